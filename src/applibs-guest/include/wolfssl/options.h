/* wolfssl/options.h: wolfSSL's build options; apps include it before wolfssl/ssl.h. The
 * emulated OS's wolfSSL (docs/tls.md) has no options an app can see. */
#pragma once
