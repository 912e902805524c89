/* applibs/certstore.h: the device's certificate store (this project's implementation of the
 * public Azure Sphere API; docs/security.md, "Certificates for high-level apps"). Every call
 * needs the CertStore capability in the app manifest (EACCES otherwise) and a device state
 * (`mt3620-emu run --device DIR`; EAGAIN without one). Calls return 0 (or a count) on success,
 * -1 and errno on failure, with the errno values Microsoft documents for each function. */
#pragma once

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CERTSTORE_MAX_CERT_SIZE 8192
#define CERTSTORE_MAX_PRIVATE_KEY_PASSWORD_LENGTH 256
#define CERTSTORE_MAX_IDENTIFIER_LENGTH 16
#define CERTSTORE_SUBJECTNAME_MAX_LENGTH 300
#define CERTSTORE_ISSUERNAME_MAX_LENGTH 300

/* An identifier: 1 to CERTSTORE_MAX_IDENTIFIER_LENGTH characters of A-Z a-z 0-9 . - _ */
typedef struct CertStore_Identifier {
    char identifier[CERTSTORE_MAX_IDENTIFIER_LENGTH + 1];
} CertStore_Identifier;

typedef struct CertStore_SubjectName {
    char name[CERTSTORE_SUBJECTNAME_MAX_LENGTH + 1];
} CertStore_SubjectName;

typedef struct CertStore_IssuerName {
    char name[CERTSTORE_ISSUERNAME_MAX_LENGTH + 1];
} CertStore_IssuerName;

/* Installs (or replaces) a client certificate and its private key, both PEM; the password
 * decrypts an encrypted key (NULL for a plain one). */
int CertStore_InstallClientCertificate(const char *identifier, const char *certBlob, size_t certBlobLength,
                                       const char *privateKeyBlob, size_t privateKeyBlobLength,
                                       const char *privateKeyPassword);
/* Installs (or replaces) a root CA certificate (PEM). */
int CertStore_InstallRootCACertificate(const char *identifier, const char *certBlob, size_t certBlobLength);
int CertStore_DeleteCertificate(const char *identifier);
ssize_t CertStore_GetCertificateCount(void);
int CertStore_GetCertificateIdentifierAt(size_t index, CertStore_Identifier *outIdentifier);
ssize_t CertStore_GetAvailableSpace(void);
int CertStore_GetCertificateSubjectName(const char *identifier, CertStore_SubjectName *outSubjectName);
int CertStore_GetCertificateIssuerName(const char *identifier, CertStore_IssuerName *outIssuerName);
/* UTC; tm_wday, tm_yday and tm_isdst are left 0. */
int CertStore_GetCertificateNotBefore(const char *identifier, struct tm *outNotBefore);
int CertStore_GetCertificateNotAfter(const char *identifier, struct tm *outNotAfter);
/* Renames a certificate, replacing one that has the destination identifier (atomically). */
int CertStore_MoveCertificate(const char *sourceIdentifier, const char *destIdentifier);

#ifdef __cplusplus
}
#endif
