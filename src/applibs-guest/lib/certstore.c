/* CertStore_*: each call is one ioctl on /dev/certstore (DeviceAbi.h), where the emulated OS
 * checks the manifest, validates the arguments and keeps the device's certificate store
 * (docs/security.md). Only NULL pointers are refused here (EFAULT), as the OS cannot tell a
 * NULL pointer from another unmapped address. */
#include <applibs/certstore.h>

#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

/* One request on a fresh descriptor: the result, or -1 and errno (EACCES from the open when
 * the manifest lacks CertStore, EAGAIN without a device state). */
static long certstore_request(unsigned long request, void *arg)
{
    int fd = open(MT_CERTSTORE_PATH, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) errno = EAGAIN;
        return -1;
    }
    long r = ioctl(fd, request, arg);
    int e = errno;
    close(fd);
    errno = e;
    return r;
}

static int install(const char *identifier, const char *cert, size_t cert_len, const char *key, size_t key_len,
                   const char *password)
{
    uint32_t req[6] = {(uint32_t)(uintptr_t)identifier, (uint32_t)(uintptr_t)cert, (uint32_t)cert_len,
                       (uint32_t)(uintptr_t)key, (uint32_t)key_len, (uint32_t)(uintptr_t)password};
    return (int)certstore_request(MT_CERTSTORE_IOC_INSTALL, req);
}

int CertStore_InstallClientCertificate(const char *identifier, const char *certBlob, size_t certBlobLength,
                                       const char *privateKeyBlob, size_t privateKeyBlobLength,
                                       const char *privateKeyPassword)
{
    if (identifier == NULL || certBlob == NULL || privateKeyBlob == NULL) APPLIBS_FAIL(EFAULT);
    if (privateKeyBlobLength == 0) APPLIBS_FAIL(ERANGE);  /* 0 means "root CA" on the device */
    return install(identifier, certBlob, certBlobLength, privateKeyBlob, privateKeyBlobLength, privateKeyPassword);
}

int CertStore_InstallRootCACertificate(const char *identifier, const char *certBlob, size_t certBlobLength)
{
    if (identifier == NULL || certBlob == NULL) APPLIBS_FAIL(EFAULT);
    return install(identifier, certBlob, certBlobLength, NULL, 0, NULL);
}

int CertStore_DeleteCertificate(const char *identifier)
{
    if (identifier == NULL) APPLIBS_FAIL(EFAULT);
    uint32_t req[2] = {(uint32_t)(uintptr_t)identifier, 0};
    return (int)certstore_request(MT_CERTSTORE_IOC_DELETE, req);
}

int CertStore_MoveCertificate(const char *sourceIdentifier, const char *destIdentifier)
{
    if (sourceIdentifier == NULL || destIdentifier == NULL) APPLIBS_FAIL(EFAULT);
    uint32_t req[2] = {(uint32_t)(uintptr_t)sourceIdentifier, (uint32_t)(uintptr_t)destIdentifier};
    return (int)certstore_request(MT_CERTSTORE_IOC_MOVE, req);
}

ssize_t CertStore_GetCertificateCount(void)
{
    return (ssize_t)certstore_request(MT_CERTSTORE_IOC_COUNT, NULL);
}

ssize_t CertStore_GetAvailableSpace(void)
{
    return (ssize_t)certstore_request(MT_CERTSTORE_IOC_SPACE, NULL);
}

int CertStore_GetCertificateIdentifierAt(size_t index, CertStore_Identifier *outIdentifier)
{
    if (outIdentifier == NULL) APPLIBS_FAIL(EFAULT);
    uint32_t req[4] = {(uint32_t)index, 0, (uint32_t)(uintptr_t)outIdentifier->identifier,
                       (uint32_t)sizeof outIdentifier->identifier};
    return (int)certstore_request(MT_CERTSTORE_IOC_ID_AT, req);
}

static int get_field(const char *identifier, uint32_t which, void *out, size_t size)
{
    if (identifier == NULL || out == NULL) APPLIBS_FAIL(EFAULT);
    uint32_t req[4] = {(uint32_t)(uintptr_t)identifier, which, (uint32_t)(uintptr_t)out, (uint32_t)size};
    return (int)certstore_request(MT_CERTSTORE_IOC_FIELD, req);
}

int CertStore_GetCertificateSubjectName(const char *identifier, CertStore_SubjectName *outSubjectName)
{
    return get_field(identifier, MT_CERTSTORE_FIELD_SUBJECT, outSubjectName ? outSubjectName->name : NULL,
                     sizeof outSubjectName->name);
}

int CertStore_GetCertificateIssuerName(const char *identifier, CertStore_IssuerName *outIssuerName)
{
    return get_field(identifier, MT_CERTSTORE_FIELD_ISSUER, outIssuerName ? outIssuerName->name : NULL,
                     sizeof outIssuerName->name);
}

static int get_time(const char *identifier, uint32_t which, struct tm *out)
{
    int32_t v[6];
    if (out == NULL) APPLIBS_FAIL(EFAULT);
    if (get_field(identifier, which, v, sizeof v) < 0) return -1;
    memset(out, 0, sizeof *out);
    out->tm_year = v[0] - 1900;
    out->tm_mon = v[1] - 1;
    out->tm_mday = v[2];
    out->tm_hour = v[3];
    out->tm_min = v[4];
    out->tm_sec = v[5];
    return 0;
}

int CertStore_GetCertificateNotBefore(const char *identifier, struct tm *outNotBefore)
{
    return get_time(identifier, MT_CERTSTORE_FIELD_NOT_BEFORE, outNotBefore);
}

int CertStore_GetCertificateNotAfter(const char *identifier, struct tm *outNotAfter)
{
    return get_time(identifier, MT_CERTSTORE_FIELD_NOT_AFTER, outNotAfter);
}
