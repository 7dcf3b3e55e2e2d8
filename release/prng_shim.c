/* For the wine smoke test only; never shipped.
 *
 * Rust's standard library on Windows imports ProcessPrng from bcryptprimitives.dll, which
 * every Windows 10 and 11 has and Debian's wine 8.0 lacks. Built with mingw into a
 * bcryptprimitives.dll beside the exe under test, this forwards it to RtlGenRandom
 * (SystemFunction036 of advapi32), which wine has. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
    while (size > 0) {
        ULONG chunk = size > 0x10000000 ? 0x10000000 : (ULONG)size;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}
