/* Prints the layout of the wtsapi32 structures as mingw-w64's <wtsapi32.h> declares them, as
 * one JSON object: {"WTS_SESSION_INFOW": {"size": 24, "fields": {"SessionId": 0, ...}}, ...}.
 * Run under Wine, it is the truth the ctypes declarations are checked against; so it uses
 * only the SDK headers, never the stand-in's own declarations.
 * mingw-w64's header lacks WTS_SESSION_INFO_1W, WTSINFOEXW, WTSINFOEX_LEVEL1_W and
 * WTS_SESSION_ADDRESS, so they are not printed. */
#include <windows.h>
#include <wtsapi32.h>

#include "common/layoutjson.h"

/* <T>_MEMBERS(M, T) lists T's members in declaration order, as wtsapi32.h has them. */
#define WTS_SESSION_INFOW_MEMBERS(M, T) M(T, SessionId) M(T, pWinStationName) M(T, State)
#define WTS_PROCESS_INFOW_MEMBERS(M, T)                                                    \
    M(T, SessionId) M(T, ProcessId) M(T, pProcessName) M(T, pUserSid)
#define WTSINFOW_MEMBERS(M, T)                                                             \
    M(T, State) M(T, SessionId) M(T, IncomingBytes) M(T, OutgoingBytes)                    \
    M(T, IncomingFrames) M(T, OutgoingFrames) M(T, IncomingCompressedBytes)                \
    M(T, OutgoingCompressedBytes) M(T, WinStationName) M(T, Domain) M(T, UserName)         \
    M(T, ConnectTime) M(T, DisconnectTime) M(T, LastInputTime) M(T, LogonTime)             \
    M(T, CurrentTime)
#define WTSCLIENTW_MEMBERS(M, T)                                                           \
    M(T, ClientName) M(T, Domain) M(T, UserName) M(T, WorkDirectory) M(T, InitialProgram)  \
    M(T, EncryptionLevel) M(T, ClientAddressFamily) M(T, ClientAddress) M(T, HRes)         \
    M(T, VRes) M(T, ColorDepth) M(T, ClientDirectory) M(T, ClientBuildNumber)              \
    M(T, ClientHardwareId) M(T, ClientProductId) M(T, OutBufCountHost)                     \
    M(T, OutBufCountClient) M(T, OutBufLength) M(T, DeviceId)
#define WTS_CLIENT_ADDRESS_MEMBERS(M, T) M(T, AddressFamily) M(T, Address)
#define WTS_CLIENT_DISPLAY_MEMBERS(M, T)                                                   \
    M(T, HorizontalResolution) M(T, VerticalResolution) M(T, ColorDepth)

#define MEMBER(T, x) {#x, offsetof(T, x)},
#define LAYOUT(T)                                                                          \
    static const member members_##T[] = {T##_MEMBERS(MEMBER, T)};                          \
    static const layout layout_##T = LAYOUT_OF(#T, T, members_##T);
LAYOUT(WTS_SESSION_INFOW)
LAYOUT(WTS_PROCESS_INFOW)
LAYOUT(WTSINFOW)
LAYOUT(WTSCLIENTW)
LAYOUT(WTS_CLIENT_ADDRESS)
LAYOUT(WTS_CLIENT_DISPLAY)

int main(void)
{
    static const layout *const layouts[] = {
        &layout_WTS_SESSION_INFOW, &layout_WTS_PROCESS_INFOW,  &layout_WTSINFOW,
        &layout_WTSCLIENTW,        &layout_WTS_CLIENT_ADDRESS, &layout_WTS_CLIENT_DISPLAY};
    print_layouts(layouts, sizeof layouts / sizeof layouts[0]);
    return 0;
}
