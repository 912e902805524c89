/* Certificates for a high-level app: reads the device certificate that
 * DeviceAuth_GetCertificatePath names, installs it into the device's certificate store as a
 * root CA, lists the store with each certificate's subject, issuer and validity, renames and
 * deletes one, and shows the errors the API documents for bad identifiers. The store belongs
 * to the device: a certificate installed in one run is there in the next.
 *   app            install "device" and "keep", list, rename "device" to "moved", delete it
 *   app list       only list what the store holds
 * Written for mt3620-emu (docs/security.md); run with `mt3620-emu run --device DIR`. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <applibs/application.h>
#include <applibs/certstore.h>
#include <applibs/log.h>
#include <tlsutils/deviceauth.h>

static char pem[CERTSTORE_MAX_CERT_SIZE + 1];

static void print_time(const char *what, const struct tm *t)
{
    Log_Debug("    %s %04d-%02d-%02d %02d:%02d:%02d UTC\n", what, t->tm_year + 1900, t->tm_mon + 1, t->tm_mday,
              t->tm_hour, t->tm_min, t->tm_sec);
}

static int list(void)
{
    ssize_t count = CertStore_GetCertificateCount();
    if (count < 0) {
        Log_Debug("CertStore_GetCertificateCount: %s (%d)\n", strerror(errno), errno);
        return 1;
    }
    Log_Debug("certificates: %d, space left %d bytes\n", (int)count, (int)CertStore_GetAvailableSpace());
    for (ssize_t i = 0; i < count; ++i) {
        CertStore_Identifier id;
        CertStore_SubjectName subject;
        CertStore_IssuerName issuer;
        struct tm not_before, not_after;
        if (CertStore_GetCertificateIdentifierAt((size_t)i, &id) < 0 ||
            CertStore_GetCertificateSubjectName(id.identifier, &subject) < 0 ||
            CertStore_GetCertificateIssuerName(id.identifier, &issuer) < 0 ||
            CertStore_GetCertificateNotBefore(id.identifier, &not_before) < 0 ||
            CertStore_GetCertificateNotAfter(id.identifier, &not_after) < 0) {
            Log_Debug("certificate %d: %s (%d)\n", (int)i, strerror(errno), errno);
            return 1;
        }
        Log_Debug("  [%d] %s\n    subject %s\n    issuer %s\n", (int)i, id.identifier, subject.name, issuer.name);
        print_time("not before", &not_before);
        print_time("not after ", &not_after);
    }
    return 0;
}

static void expect_error(const char *what, int result, int expected)
{
    Log_Debug("%s: %s\n", what,
              result == -1 && errno == expected ? strerror(expected) : "UNEXPECTED RESULT");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "list") == 0) return list();

    bool ready = false;
    Application_IsDeviceAuthReady(&ready);
    const char *path = DeviceAuth_GetCertificatePath();
    Log_Debug("device auth ready: %s, certificate %s\n", ready ? "yes" : "no", path);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        Log_Debug("open %s: %s (%d)\n", path, strerror(errno), errno);
    } else {
        ssize_t n = read(fd, pem, sizeof pem - 1);
        close(fd);
        Log_Debug("device certificate: %d bytes of PEM\n", (int)n);
        if (n > 0 && CertStore_InstallRootCACertificate("device", pem, (size_t)n) < 0)
            Log_Debug("install device: %s (%d)\n", strerror(errno), errno);
        if (n > 0 && CertStore_InstallRootCACertificate("keep", pem, (size_t)n) < 0)
            Log_Debug("install keep: %s (%d)\n", strerror(errno), errno);
    }
    if (list() != 0) return 1;

    if (CertStore_MoveCertificate("device", "moved") == 0) Log_Debug("renamed device -> moved\n");
    if (CertStore_DeleteCertificate("moved") == 0) Log_Debug("deleted moved\n");
    expect_error("delete moved again", CertStore_DeleteCertificate("moved"), ENOENT);
    expect_error("identifier 'bad id!'", CertStore_InstallRootCACertificate("bad id!", pem, 10), EINVAL);
    expect_error("identifier of 17 characters",
                 CertStore_InstallRootCACertificate("a234567890123456x", pem, 10), ERANGE);
    expect_error("empty certificate", CertStore_InstallRootCACertificate("empty", pem, 0), ERANGE);
    expect_error("not a certificate", CertStore_InstallRootCACertificate("junk", "hello", 5), EINVAL);
    expect_error("identifier at index 99", CertStore_GetCertificateIdentifierAt(99, &(CertStore_Identifier){0}), ERANGE);
    Log_Debug("certificates at the end: %d\n", (int)CertStore_GetCertificateCount());
    return 0;
}
