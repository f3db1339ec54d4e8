/* A planted DLL: what an attacker drops next to python.exe or into a folder the program
 * added with os.add_dll_directory, under a system DLL's name (netapi32.dll, wtsapi32.dll).
 * Windows only. It implements nothing; loading it is the attack. On DLL_PROCESS_ATTACH it
 * appends its own path to the environment variable WINSESSION_PLANTED (';'-separated), so a
 * test can tell whether any loader in the process ever mapped it, and it exports
 * planted_marker() so a handle can be recognised. tests/test_hostile_lib.py copies it under
 * the system DLLs' names for a child process and removes it afterwards.
 * Facts used: DllMain (DLL_PROCESS_ATTACH), GetModuleFileNameW, Get/SetEnvironmentVariableW
 * on Microsoft Learn ("Dynamic-Link Library Search Order" is what the test shows winsession
 * no longer depends on). */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#define MARKER L"WINSESSION_PLANTED"

__declspec(dllexport) int planted_marker(void) { return 0x0BAD; }

BOOL WINAPI DllMain(HINSTANCE self, DWORD reason, LPVOID reserved)
{
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) {
        wchar_t path[MAX_PATH];
        wchar_t value[8192];
        DWORD n = GetModuleFileNameW(self, path, MAX_PATH);
        DWORD have = GetEnvironmentVariableW(MARKER, value, 8192);
        if (n == 0 || n >= MAX_PATH)
            lstrcpyW(path, L"?");
        if (have >= 8192 - MAX_PATH - 2)
            have = 0; /* too long: start again (never in the tests) */
        if (have > 0)
            value[have++] = L';';
        lstrcpyW(value + have, path);
        SetEnvironmentVariableW(MARKER, value);
    }
    return TRUE;
}
