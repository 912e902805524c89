/* wolfssl/error-ssl.h: the error numbers wolfSSL_get_error gives for failures that are not
 * "want read/write" or a clean close (values from wolfSSL's public headers; docs/tls.md says
 * when the emulated OS reports each). */
#pragma once

enum wolfSSL_ErrorCodes {
    SOCKET_ERROR_E = -308,       /* the socket failed */
    FATAL_ERROR = -313,          /* the peer sent a fatal alert, or the handshake failed */
    NO_PRIVATE_KEY = -317,       /* the client key is missing or unusable */
    DOMAIN_NAME_MISMATCH = -322, /* the server's certificate is for another name */
    VERSION_ERROR = -326,        /* no TLS version both ends accept */
    VERIFY_CERT_ERROR = -329,    /* the server's certificate is not acceptable */
    SOCKET_PEER_CLOSED_E = -397, /* the peer closed the connection without close_notify */
    ASN_AFTER_DATE_E = -151,     /* the server's certificate has expired */
    BAD_FUNC_ARG = -173,         /* a bad argument, or a call the emulated OS refused */
    ASN_NO_SIGNER_E = -188       /* no trusted CA signed the server's certificate */
};
