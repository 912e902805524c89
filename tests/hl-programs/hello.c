// printf, floating point (VFP) and integer division on the A7; exit code 0.
#include <math.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
    printf("Hello from the A7!\n");
    const char* slash = strrchr(argv[0], '/');
    printf("program %s, %d argument(s)\n", slash ? slash + 1 : argv[0], argc - 1);
    volatile double x = 2.0;
    printf("sqrt(2) = %.12f, pi ~ %.6f\n", sqrt(x), 4.0 * atan(1.0));
    volatile float f = 1.5f;
    printf("float %g, long double %Lg\n", (double)(f * f), (long double)x / 3);
    volatile unsigned a = 1000003, b = 97;
    printf("%u / %u = %u rem %u\n", a, b, a / b, a % b);
    long long big = 1234567890123LL;
    printf("%lld %llx %5.2e\n", big * 3, (unsigned long long)big, 6.02214076e23);
    fprintf(stderr, "this goes to stderr\n");
    return 0;
}
