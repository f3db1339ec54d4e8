/* wtsapi32 stand-in: WTS* over in-memory server, session and process tables, with control
 * exports for the tests. The contract is stubs/README.md. wtsapi32.h is not included: the
 * same source builds on Linux, so the structures are declared here with Microsoft's layouts
 * (wchar_t is WCHAR, 4 bytes on Linux as ctypes.c_wchar is there). */
#include "common/stubcommon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef _WIN32
typedef int32_t BOOL;
typedef void *HANDLE;
typedef void *HWND;
#  define ERROR_ACCESS_DENIED 5
#  define ERROR_NO_TOKEN 1008
#  define ERROR_PRIVILEGE_NOT_HELD 1314
#  define ERROR_INVALID_USER_BUFFER 1784
#endif

#ifndef WM_WTSSESSION_CHANGE
#  define WM_WTSSESSION_CHANGE 0x02B1u /* winuser.h */
#endif
#define NOTIFY_FOR_ALL_SESSIONS 1u
#define MAX_WINDOWS_SEEN 256
#define MAX_DOMAIN_SERVERS 64
#define MAX_SHADOWED 64
#define WTS_ACTIVE 0
#define WTS_SHADOW 3
#define WTS_WSD_LOGOFF 1u

/* How WM_WTSSESSION_CHANGE is posted: user32's PostMessageW under Windows/Wine (the real
 * one: delivery through the real message queue); on Linux a function the test supplies
 * (the simulated user32's PostMessageW) through stub_wts_set_post_message. */
typedef BOOL(WINAPI *post_message_fn)(HWND, uint32_t, uintptr_t, intptr_t);

typedef struct registration {
    uint32_t server;
    HWND hwnd;
    uint32_t flags;
} registration;

#define WTS_CURRENT_SESSION 0xFFFFFFFFu
#define NO_SESSION 0xFFFFFFFFu       /* no current/console session set */
#define NO_WAIT 0xFFFFFFFFu          /* stub_wts_last_wait() -1: no call recorded bWait */
#define WTS_EVENT_NONE 0u
#define WTS_EVENT_FLUSH 0x80000000u
#define WTS_DISCONNECTED 4           /* WTSDisconnected */
#define TYPE_SESSION_INFO_LEVEL1 2u  /* WTSTypeSessionInfoLevel1 */
#define AF_INET_FAMILY 2
#define RESPONSE_IDOK 1
#define RESPONSE_IDTIMEOUT 32000
#define RESPONSE_IDASYNC 32001
#define NO_CODE 0xFFFFu

/* ---- rows: sessions and processes are both records of numbers, strings and byte strings
 * in slots. X(slot, code): code is what stub_wts_set_{number,string,blob} call it. ---- */
#define NUM_SLOTS(X)                                                                       \
    X(ID, NO_CODE) /* session id; of a process, its session */                            \
    X(STATE, NO_CODE) X(PID, NO_CODE) X(ADDRESS_FAMILY, NO_CODE) X(BUILD, 9)               \
    X(PRODUCT_ID, 12) X(HARDWARE_ID, 13) X(PROTOCOL, 16) X(IS_REMOTE, 29)                  \
    X(CONNECT_TIME, 200) X(DISCONNECT_TIME, 201) X(LAST_INPUT_TIME, 202)                   \
    X(LOGON_TIME, 203) X(CURRENT_TIME, 204) X(IN_BYTES, 205) X(OUT_BYTES, 206)             \
    X(IN_FRAMES, 207) X(OUT_FRAMES, 208) X(IN_COMPRESSED, 209) X(OUT_COMPRESSED, 210)      \
    X(SESSION_FLAGS, 211) X(EXEC_ENV_ID, 212) X(HRES, 213) X(VRES, 214)                    \
    X(COLOR_DEPTH, 215) X(ENCRYPTION, 216) X(DISABLE_PRINTER_REDIRECTION, 217)            \
    X(DISABLE_DEFAULT_PRINTER, 218) X(SHADOW_SETTINGS, 219)
#define STR_SLOTS(X)                                                                       \
    X(INITIAL_PROGRAM, 0) X(APPLICATION_NAME, 1) X(WORKING_DIRECTORY, 2) X(OEM_ID, 3)      \
    X(USER_NAME, 5) X(STATION, 6) X(DOMAIN_NAME, 7) X(CLIENT_NAME, 10)                     \
    X(CLIENT_DIRECTORY, 11) X(HOST_NAME, 100) X(FARM_NAME, 101) X(LOGON_USER_NAME, 102)    \
    X(LOGON_DOMAIN, 103) X(PROCESS_NAME, NO_CODE)
#define BLOB_SLOTS(X)                                                                      \
    X(SESSION_ADDRESS, 28) X(CLIENT_ADDRESS, NO_CODE) X(SID, NO_CODE)

#define N_ENTRY(slot, code) N_##slot,
#define S_ENTRY(slot, code) S_##slot,
#define B_ENTRY(slot, code) B_##slot,
#define CODE_ENTRY(slot, code) code,
enum { NUM_SLOTS(N_ENTRY) N_COUNT };
enum { STR_SLOTS(S_ENTRY) S_COUNT };
enum { BLOB_SLOTS(B_ENTRY) B_COUNT };
static const uint16_t NUM_CODES[] = {NUM_SLOTS(CODE_ENTRY)};
static const uint16_t STR_CODES[] = {STR_SLOTS(CODE_ENTRY)};
static const uint16_t BLOB_CODES[] = {BLOB_SLOTS(CODE_ENTRY)};

/* The slot a control export's field code names, or -1. */
static int slot_of(const uint16_t *codes, int count, uint32_t code)
{
    for (int i = 0; i < count; i++)
        if (codes[i] != NO_CODE && codes[i] == code)
            return i;
    return -1;
}

typedef struct blob {
    uint8_t *bytes; /* malloc'd; NULL = unset */
    uint32_t len;
} blob;

typedef struct record {
    uint32_t server;
    uint64_t num_set; /* bit per slot set explicitly (CurrentTime otherwise follows the clock) */
    int64_t num[N_COUNT];
    wchar_t *str[S_COUNT]; /* malloc'd; NULL = unset */
    blob bin[B_COUNT];
} record;

static int64_t num_value(const record *r, int slot)
{
    if (slot == N_CURRENT_TIME && !(r->num_set >> N_CURRENT_TIME & 1))
        return stub_filetime_now();
    return r->num[slot];
}

/* ---- structures. FIELDS(X, T) lists the members in declaration order as
 * X(T, type, name, dims, kind, src): the declaration is `type name dims;`, kind and src say
 * what fills it (kinds below), so one list gives the declaration, the fill table and the
 * layout the control exports report. ---- */
#define WTS_SESSION_INFOW_FIELDS(X, T)                                                     \
    X(T, uint32_t, SessionId, , NUM, N_ID)                                                 \
    X(T, wchar_t *, pWinStationName, , STR, S_STATION)                                     \
    X(T, int32_t, State, , NUM, N_STATE)
#define WTS_SESSION_INFO_1W_FIELDS(X, T)                                                   \
    X(T, uint32_t, ExecEnvId, , NUM, N_EXEC_ENV_ID)                                        \
    X(T, int32_t, State, , NUM, N_STATE)                                                   \
    X(T, uint32_t, SessionId, , NUM, N_ID)                                                 \
    X(T, wchar_t *, pSessionName, , STR, S_STATION)                                        \
    X(T, wchar_t *, pHostName, , OPT_STR, S_HOST_NAME)                                     \
    X(T, wchar_t *, pUserName, , OPT_STR, S_USER_NAME)                                     \
    X(T, wchar_t *, pDomainName, , OPT_STR, S_DOMAIN_NAME)                                 \
    X(T, wchar_t *, pFarmName, , OPT_STR, S_FARM_NAME)
#define WTS_PROCESS_INFOW_FIELDS(X, T)                                                     \
    X(T, uint32_t, SessionId, , NUM, N_ID)                                                 \
    X(T, uint32_t, ProcessId, , NUM, N_PID)                                                \
    X(T, wchar_t *, pProcessName, , STR, S_PROCESS_NAME)                                   \
    X(T, void *, pUserSid, , BLOB, B_SID)
#define TRAFFIC_FIELDS(X, T)                                                               \
    X(T, uint32_t, IncomingBytes, , NUM, N_IN_BYTES)                                       \
    X(T, uint32_t, OutgoingBytes, , NUM, N_OUT_BYTES)                                      \
    X(T, uint32_t, IncomingFrames, , NUM, N_IN_FRAMES)                                     \
    X(T, uint32_t, OutgoingFrames, , NUM, N_OUT_FRAMES)                                    \
    X(T, uint32_t, IncomingCompressedBytes, , NUM, N_IN_COMPRESSED)                        \
    X(T, uint32_t, OutgoingCompressedBytes, , NUM, N_OUT_COMPRESSED)
#define WTSINFOW_FIELDS(X, T)                                                              \
    X(T, int32_t, State, , NUM, N_STATE)                                                   \
    X(T, uint32_t, SessionId, , NUM, N_ID)                                                 \
    TRAFFIC_FIELDS(X, T)                                                                   \
    X(T, wchar_t, WinStationName, [32], WCHARS, S_STATION)                                 \
    X(T, wchar_t, Domain, [17], WCHARS, S_DOMAIN_NAME)                                     \
    X(T, wchar_t, UserName, [21], WCHARS, S_USER_NAME)                                     \
    X(T, int64_t, ConnectTime, , NUM, N_CONNECT_TIME)                                      \
    X(T, int64_t, DisconnectTime, , NUM, N_DISCONNECT_TIME)                                \
    X(T, int64_t, LastInputTime, , NUM, N_LAST_INPUT_TIME)                                 \
    X(T, int64_t, LogonTime, , NUM, N_LOGON_TIME)                                          \
    X(T, int64_t, CurrentTime, , NUM, N_CURRENT_TIME)
#define WTSINFOEX_LEVEL1_W_FIELDS(X, T)                                                    \
    X(T, uint32_t, SessionId, , NUM, N_ID)                                                 \
    X(T, int32_t, SessionState, , NUM, N_STATE)                                            \
    X(T, int32_t, SessionFlags, , NUM, N_SESSION_FLAGS)                                    \
    X(T, wchar_t, WinStationName, [33], WCHARS, S_STATION)                                 \
    X(T, wchar_t, UserName, [21], WCHARS, S_USER_NAME)                                     \
    X(T, wchar_t, DomainName, [18], WCHARS, S_DOMAIN_NAME)                                 \
    X(T, int64_t, LogonTime, , NUM, N_LOGON_TIME)                                          \
    X(T, int64_t, ConnectTime, , NUM, N_CONNECT_TIME)                                      \
    X(T, int64_t, DisconnectTime, , NUM, N_DISCONNECT_TIME)                                \
    X(T, int64_t, LastInputTime, , NUM, N_LAST_INPUT_TIME)                                 \
    X(T, int64_t, CurrentTime, , NUM, N_CURRENT_TIME)                                      \
    TRAFFIC_FIELDS(X, T)
#define WTSINFOEXW_FIELDS(X, T)                                                            \
    X(T, uint32_t, Level, , CONST, 1)                                                      \
    X(T, WTSINFOEX_LEVEL_W, Data, , NEST, T_WTSINFOEX_LEVEL1_W)
#define WTSCLIENTW_FIELDS(X, T)                                                            \
    X(T, wchar_t, ClientName, [21], WCHARS, S_CLIENT_NAME)                                 \
    X(T, wchar_t, Domain, [18], WCHARS, S_DOMAIN_NAME)                                     \
    X(T, wchar_t, UserName, [21], WCHARS, S_USER_NAME)                                     \
    X(T, wchar_t, WorkDirectory, [261], WCHARS, S_WORKING_DIRECTORY)                       \
    X(T, wchar_t, InitialProgram, [261], WCHARS, S_INITIAL_PROGRAM)                        \
    X(T, uint8_t, EncryptionLevel, , NUM, N_ENCRYPTION)                                    \
    X(T, uint32_t, ClientAddressFamily, , NUM, N_ADDRESS_FAMILY)                           \
    X(T, uint16_t, ClientAddress, [31], CLIENT_ADDR, B_CLIENT_ADDRESS)                     \
    X(T, uint16_t, HRes, , NUM, N_HRES)                                                    \
    X(T, uint16_t, VRes, , NUM, N_VRES)                                                    \
    X(T, uint16_t, ColorDepth, , NUM, N_COLOR_DEPTH)                                       \
    X(T, wchar_t, ClientDirectory, [261], WCHARS, S_CLIENT_DIRECTORY)                      \
    X(T, uint32_t, ClientBuildNumber, , NUM, N_BUILD)                                      \
    X(T, uint32_t, ClientHardwareId, , NUM, N_HARDWARE_ID)                                 \
    X(T, uint16_t, ClientProductId, , NUM, N_PRODUCT_ID)                                   \
    X(T, uint16_t, OutBufCountHost, , ZERO, 0)                                             \
    X(T, uint16_t, OutBufCountClient, , ZERO, 0)                                           \
    X(T, uint16_t, OutBufLength, , ZERO, 0)                                                \
    X(T, wchar_t, DeviceId, [261], ZERO, 0)
/* WTS_CLIENT_ADDRESS (Microsoft Learn, "WTS_CLIENT_ADDRESS structure"): for AF_INET the IPv4
 * address is at Address[2..5] ("offset by two bytes from the start of the Address member",
 * 192.168.0.1 = 00 00 C0 A8 00 01); for AF_INET6 the 16 bytes of the IPv6 address from
 * Address[0]. stub_wts_set_address takes the bytes in exactly that layout. */
#define WTS_CLIENT_ADDRESS_FIELDS(X, T)                                                    \
    X(T, uint32_t, AddressFamily, , NUM, N_ADDRESS_FAMILY)                                 \
    X(T, uint8_t, Address, [20], BYTES, B_CLIENT_ADDRESS)
#define WTS_CLIENT_DISPLAY_FIELDS(X, T)                                                    \
    X(T, uint32_t, HorizontalResolution, , NUM, N_HRES)                                    \
    X(T, uint32_t, VerticalResolution, , NUM, N_VRES)                                      \
    X(T, uint32_t, ColorDepth, , NUM, N_COLOR_DEPTH)
/* Microsoft: AddressFamily is always AF_INET; Address is laid out as in WTS_CLIENT_ADDRESS. */
#define WTS_SESSION_ADDRESS_FIELDS(X, T)                                                   \
    X(T, uint32_t, AddressFamily, , CONST, AF_INET_FAMILY)                                 \
    X(T, uint8_t, Address, [20], BYTES, B_SESSION_ADDRESS)

/* WTSCONFIGINFOW (Microsoft Learn, "WTSCONFIGINFOW structure"): version,
 * fConnectClientDrivesAtLogon, fConnectPrinterAtLogon and ApplicationName "This member is
 * reserved" (left 0); the others as set. */
#define WTSCONFIGINFOW_FIELDS(X, T)                                                        \
    X(T, uint32_t, version, , ZERO, 0)                                                     \
    X(T, uint32_t, fConnectClientDrivesAtLogon, , ZERO, 0)                                 \
    X(T, uint32_t, fConnectPrinterAtLogon, , ZERO, 0)                                      \
    X(T, uint32_t, fDisablePrinterRedirection, , NUM, N_DISABLE_PRINTER_REDIRECTION)       \
    X(T, uint32_t, fDisableDefaultMainClientPrinter, , NUM, N_DISABLE_DEFAULT_PRINTER)     \
    X(T, uint32_t, ShadowSettings, , NUM, N_SHADOW_SETTINGS)                               \
    X(T, wchar_t, LogonUserName, [21], WCHARS, S_LOGON_USER_NAME)                          \
    X(T, wchar_t, LogonDomain, [18], WCHARS, S_LOGON_DOMAIN)                               \
    X(T, wchar_t, WorkDirectory, [261], WCHARS, S_WORKING_DIRECTORY)                       \
    X(T, wchar_t, InitialProgram, [261], WCHARS, S_INITIAL_PROGRAM)                        \
    X(T, wchar_t, ApplicationName, [261], ZERO, 0)

/* In the order of stub_wts_struct_size's `which`. */
#define STRUCTS(X)                                                                         \
    X(WTS_SESSION_INFOW) X(WTS_SESSION_INFO_1W) X(WTS_PROCESS_INFOW) X(WTSINFOW)           \
    X(WTSINFOEXW) X(WTSINFOEX_LEVEL1_W) X(WTSCLIENTW) X(WTS_CLIENT_ADDRESS)                \
    X(WTS_CLIENT_DISPLAY) X(WTS_SESSION_ADDRESS) X(WTSCONFIGINFOW)

#define STRUCT_ENUM(T) T_##T,
enum { STRUCTS(STRUCT_ENUM) T_COUNT };

#define DECLARE_MEMBER(T, type, name, dims, kind, src) type name dims;
#define DECLARE_STRUCT(T) typedef struct T { T##_FIELDS(DECLARE_MEMBER, T) } T;
DECLARE_STRUCT(WTS_SESSION_INFOW)
DECLARE_STRUCT(WTS_SESSION_INFO_1W)
DECLARE_STRUCT(WTS_PROCESS_INFOW)
DECLARE_STRUCT(WTSINFOW)
DECLARE_STRUCT(WTSINFOEX_LEVEL1_W)
typedef union WTSINFOEX_LEVEL_W {
    WTSINFOEX_LEVEL1_W WTSInfoExLevel1;
} WTSINFOEX_LEVEL_W;
DECLARE_STRUCT(WTSINFOEXW)
DECLARE_STRUCT(WTSCLIENTW)
DECLARE_STRUCT(WTS_CLIENT_ADDRESS)
DECLARE_STRUCT(WTS_CLIENT_DISPLAY)
DECLARE_STRUCT(WTS_SESSION_ADDRESS)
DECLARE_STRUCT(WTSCONFIGINFOW)

/* Enumerations put strings right after the structure array: it must keep them aligned. */
_Static_assert(sizeof(WTS_SESSION_INFOW) % _Alignof(wchar_t) == 0, "string alignment");

/* How a member is filled from a record (src is a slot unless said otherwise):
 * NUM      integer of the member's size from num[src]
 * CONST    the integer src
 * STR      pointer to a copy of str[src] after the structures (unset: NULL)
 * OPT_STR  the same, but NULL for an empty string too: WTS_SESSION_INFO_1W's pHostName,
 *          pUserName, pDomainName and pFarmName "contain NULL" when there is none
 * BLOB     pointer to a copy of bin[src] after the structures (unset: NULL)
 * WCHARS   inline WCHAR array from str[src], truncated, always NUL-terminated
 * BYTES    inline array from bin[src], one byte per element, truncated
 * NEST     the structure STRUCT_SHAPES[src], filled in place
 * CLIENT_ADDR  WTSCLIENTW.ClientAddress (USHORT[31]) from the family and bin[src], as the
 *          "WTSCLIENT structure" page's remarks say: AF_INET "will return in string format,
 *          for example 127.0.0.1" (USHORT characters, NUL-terminated), AF_INET6 "will return in
 *          binary form" (the address's 16 bytes from the member's first byte, as in
 *          WTS_CLIENT_ADDRESS). Other families: the page is silent; the Address bytes are
 *          copied as they are. No address (AF_UNSPEC): all zero.
 * ZERO     left 0
 * STR_DATA, BLOB_DATA  no member: the copy itself is the buffer (query classes). */
enum {
    K_NUM, K_CONST, K_STR, K_BLOB, K_WCHARS, K_BYTES, K_NEST, K_ZERO, K_STR_DATA, K_BLOB_DATA,
    K_CLIENT_ADDR, K_OPT_STR
};

typedef struct fdesc {
    uint16_t offset, size;
    uint8_t elem; /* sizeof one element: what WCHARS and BYTES need (others ignore it) */
    uint8_t kind, src;
} fdesc;

typedef struct shape {
    uint32_t size; /* 0 for the data classes */
    uint32_t nfields; /* 0: a class Microsoft says always fails */
    const fdesc *fields;
} shape;

#define DESCRIBE_MEMBER(T, type, name, dims, kind, src)                                    \
    {(uint16_t)offsetof(T, name), (uint16_t)sizeof(((T *)0)->name), (uint8_t)sizeof(type), \
     K_##kind, (uint8_t)(src)},
#define DESCRIBE_STRUCT(T) static const fdesc T##_desc[] = {T##_FIELDS(DESCRIBE_MEMBER, T)};
STRUCTS(DESCRIBE_STRUCT)

#define SHAPE_OF(T) {(uint32_t)sizeof(T), sizeof T##_desc / sizeof(fdesc), T##_desc}
#define STRUCT_SHAPE(T) [T_##T] = SHAPE_OF(T),
static const shape STRUCT_SHAPES[T_COUNT] = {STRUCTS(STRUCT_SHAPE)};

/* ---- WTSQuerySessionInformationW: the buffer shape of each WTS_INFO_CLASS ---- */
#define ONE_FIELD(size, kind, src) {(size), 1, (const fdesc[]){{0, (size), (size), (kind), (src)}}}
#define SCALAR(type, slot) ONE_FIELD(sizeof(type), K_NUM, slot)
#define STRING(slot) ONE_FIELD(0, K_STR_DATA, slot)
#define BYTES_OF(slot) ONE_FIELD(0, K_BLOB_DATA, slot)
#define N_CLASSES 30
static const shape CLASSES[N_CLASSES] = {
    [0] = STRING(S_INITIAL_PROGRAM),   [1] = STRING(S_APPLICATION_NAME),
    [2] = STRING(S_WORKING_DIRECTORY), [3] = STRING(S_OEM_ID),
    [4] = SCALAR(uint32_t, N_ID),      [5] = STRING(S_USER_NAME),
    [6] = STRING(S_STATION),           [7] = STRING(S_DOMAIN_NAME),
    [8] = SCALAR(int32_t, N_STATE),    [9] = SCALAR(uint32_t, N_BUILD),
    [10] = STRING(S_CLIENT_NAME),      [11] = STRING(S_CLIENT_DIRECTORY),
    /* 13: "WTSQuerySessionInformation will always return a value of 0" (WTS_INFO_CLASS) */
    [12] = SCALAR(uint16_t, N_PRODUCT_ID), [13] = ONE_FIELD(sizeof(uint32_t), K_CONST, 0),
    [14] = SHAPE_OF(WTS_CLIENT_ADDRESS), [15] = SHAPE_OF(WTS_CLIENT_DISPLAY),
    [16] = SCALAR(uint16_t, N_PROTOCOL), /* 17-22 stay empty: "This value returns FALSE" */
    [23] = SHAPE_OF(WTSCLIENTW),       [24] = SHAPE_OF(WTSINFOW),
    [25] = SHAPE_OF(WTSINFOEXW),       [26] = SHAPE_OF(WTSCONFIGINFOW),
    /* 27 WTSValidationInfo stays empty: "This value is not supported." (WTS_INFO_CLASS) */
    [28] = SHAPE_OF(WTS_SESSION_ADDRESS),
    [29] = SCALAR(uint8_t, N_IS_REMOTE),
};

/* ---- state: one lock guards all of it ---- */

typedef struct table {
    record *rows;
    uint32_t n, cap;
} table;

typedef struct handle {
    uintptr_t value;
    wchar_t *name; /* as opened (NULL = local); bound at each call, as Windows binds lazily */
} handle;

/* A blocked WTSWaitSystemEvent, on its caller's stack while it waits. */
typedef struct waiter {
    struct waiter *next;
    uintptr_t handle; /* the hServer it waits on (0: WTS_CURRENT_SERVER_HANDLE) */
    uint32_t mask, flags;
    int done;
} waiter;

enum { EV_FAIL };

/* Hostile modes (issue 11): answers no documented wtsapi32 gives, which a broken or malicious
 * server relayed by RPC, or a planted DLL, could. Microsoft's pages describe only correct
 * answers; each mode stays on until stub_wts_reset. See stubs/README.md, "Hostile modes". */
enum {
    HOSTILE_NONE = 0,
    HOSTILE_NULL_BUFFER = 1,  /* enumerations: TRUE, buffer NULL, count = arg; queries: TRUE,
                                 buffer NULL, *pBytesReturned = arg */
    HOSTILE_QUERY_SIZE = 2,   /* queries: *pBytesReturned raised by arg (past the buffer) */
    HOSTILE_SID_COUNT = 3,    /* processes: every SID's SubAuthorityCount byte set to arg */
    HOSTILE_OPEN_NULL = 4,    /* WTSOpenServer(Ex)W: NULL; last error arg (0: left alone) */
};

static struct {
    stub_mutex lock;
    stub_cond wake; /* a waiter was released */
    stub_tracker buffers;
    stub_schedule schedule;
    stub_servers servers;
    table sessions, processes;
    handle *handles;
    uint32_t nhandles, handles_cap;
    uint64_t handle_serial; /* never reset: a stale handle never comes back valid */
    HWND *registered;
    uint32_t nregistered, registered_cap;
    registration *regs_ex; /* WTSRegisterSessionNotificationEx */
    uint32_t nregs_ex, regs_ex_cap;
    HWND seen[MAX_WINDOWS_SEEN]; /* every window ever registered (since the reset) */
    uint32_t nseen;
    post_message_fn post;
    uint32_t changes_posted;
    HANDLE *tokens; /* WTSQueryUserToken: handed out, not known to be closed */
    uint32_t ntokens, tokens_cap;
    uint32_t tokens_handed, token_bad_closes, tcb_missing, last_token_session;
    uint64_t token_serial;
    wchar_t *domain_servers[MAX_DOMAIN_SERVERS]; /* WTSEnumerateServersW's answer */
    uint32_t ndomain_servers;
    struct {
        uint32_t server, id;
        int64_t state; /* before the remote control began */
    } shadowed[MAX_SHADOWED];
    uint32_t nshadowed;
    uint32_t connects, last_connect_wait, remote_controls, last_vk, last_modifiers;
    uint32_t shutdowns, last_shutdown;
    uint32_t *events; /* queued by stub_wts_queue_event, oldest first */
    uint32_t nevents, events_cap;
    waiter *waiters; /* in arrival order */
    uint32_t blocked;
    uint32_t current_session, console_session;
    uint32_t calls, wrong_frees, bad_free_args, bad_closes;
    uint64_t unsupported; /* bit per info class */
    uint32_t empty_is_error, response; /* response 0: the default */
    uint32_t last_wait;                /* bWait of the last call, NO_WAIT if none */
    wchar_t *last_title, *last_message;
    uint32_t last_style, last_timeout;
    uint32_t hostile, hostile_arg;
    uint32_t delay_ms[STUB_MAX_DELAYS]; /* test-only, per server id: see stubcommon.h */
} g = {
    .lock = STUB_MUTEX_INIT,
    .wake = STUB_COND_INIT,
    .current_session = NO_SESSION,
    .console_session = NO_SESSION,
    .last_wait = NO_WAIT,
};

/* ---- tables ---- */

static void free_record(record *r)
{
    for (int i = 0; i < S_COUNT; i++)
        free(r->str[i]);
    for (int i = 0; i < B_COUNT; i++)
        free(r->bin[i].bytes);
}

static void clear_table(table *t)
{
    for (uint32_t i = 0; i < t->n; i++)
        free_record(&t->rows[i]);
    t->n = 0;
}

/* The row of that server whose num[slot] is value, or NULL. */
static record *find_row(table *t, uint32_t server, int slot, uint32_t value)
{
    for (uint32_t i = 0; i < t->n; i++)
        if (t->rows[i].server == server && t->rows[i].num[slot] == (int64_t)value)
            return &t->rows[i];
    return NULL;
}

static void remove_row(table *t, record *r)
{
    uint32_t i = (uint32_t)(r - t->rows);
    free_record(r);
    memmove(r, r + 1, (t->n - i - 1) * sizeof *r);
    t->n--;
}

/* Appends a zeroed row for server (NULL/"" = local; unknown servers are added) whose
 * num[slot] is value; NULL if that value exists there or memory ran out. */
static record *add_row(table *t, const wchar_t *server, int slot, uint32_t value)
{
    int64_t id = stub_servers_add(&g.servers, server);
    if (id < 0 || find_row(t, (uint32_t)id, slot, value) != NULL)
        return NULL;
    record *grown = stub_grow(t->rows, &t->cap, t->n + 1, sizeof *grown);
    if (grown == NULL)
        return NULL;
    t->rows = grown;
    record *r = &t->rows[t->n++];
    memset(r, 0, sizeof *r);
    r->server = (uint32_t)id;
    r->num[slot] = value;
    return r;
}

static record *find_session(uint32_t server, uint32_t id)
{
    if (id == WTS_CURRENT_SESSION)
        id = g.current_session; /* none set: no row has that id */
    return find_row(&g.sessions, server, N_ID, id);
}

/* Replaces a string slot; value NULL unsets it. 0, or -1 when out of memory. */
static int set_str(wchar_t **slot, const wchar_t *value)
{
    wchar_t *copy = stub_wdup(value);
    if (value != NULL && copy == NULL)
        return -1;
    free(*slot);
    *slot = copy;
    return 0;
}

static int set_blob(blob *b, const uint8_t *bytes, uint32_t len)
{
    uint8_t *copy = NULL;
    if (bytes != NULL) {
        if ((copy = malloc(len ? len : 1)) == NULL)
            return -1;
        memcpy(copy, bytes, len);
    }
    free(b->bytes);
    b->bytes = copy;
    b->len = copy ? len : 0;
    return 0;
}

/* ---- handles: values above 4 GiB, so a handle truncated to 32 bits (a missing restype)
 * reads as invalid rather than as some other server ---- */

static handle *find_handle(HANDLE h)
{
    for (uint32_t i = 0; i < g.nhandles; i++)
        if (g.handles[i].value == (uintptr_t)h)
            return &g.handles[i];
    return NULL;
}

static uint32_t open_handle(const wchar_t *name, HANDLE *out)
{
    wchar_t *copy = stub_wdup(name);
    handle *grown = stub_grow(g.handles, &g.handles_cap, g.nhandles + 1, sizeof *grown);
    if ((name != NULL && copy == NULL) || grown == NULL) {
        free(copy);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    g.handles = grown;
    uintptr_t value = (uintptr_t)(UINT64_C(0x575400000000) + ++g.handle_serial * 16);
    g.handles[g.nhandles++] = (handle){value, copy};
    *out = (HANDLE)value;
    return 0;
}

/* 1 if h was open (it is closed now), else 0. */
static int close_handle(HANDLE h)
{
    handle *found = find_handle(h);
    if (found == NULL)
        return 0;
    free(found->name);
    *found = g.handles[--g.nhandles];
    return 1;
}

static uint32_t resolve_server(HANDLE h, uint32_t *server)
{
    *server = 0;
    if (h == NULL) /* WTS_CURRENT_SERVER_HANDLE */
        return 0;
    const handle *found = find_handle(h);
    if (found == NULL)
        return ERROR_INVALID_HANDLE;
    return stub_servers_find(&g.servers, found->name, server) ? 0 : RPC_S_SERVER_UNAVAILABLE;
}

/* ---- buffers: n structures, then the strings and byte strings they point to ---- */

typedef struct packer {
    uint8_t *base; /* NULL while measuring */
    size_t end;    /* bytes laid out so far */
} packer;

/* Places len bytes after everything so far, aligned; returns where (NULL when measuring). */
static uint8_t *append(packer *pk, const void *data, size_t len, size_t align)
{
    pk->end = (pk->end + align - 1) / align * align;
    uint8_t *at = pk->base ? pk->base + pk->end : NULL;
    if (at != NULL && len > 0)
        memcpy(at, data, len);
    pk->end += len;
    return at;
}

/* Stores v truncated to size (1, 2, 4 or 8) bytes; at may be unaligned. */
static void put_int(uint8_t *at, uint32_t size, int64_t v)
{
    uint8_t u8 = (uint8_t)v;
    uint16_t u16 = (uint16_t)v;
    uint32_t u32 = (uint32_t)v;
    const void *src = size == 1   ? (const void *)&u8
                      : size == 2 ? (const void *)&u16
                      : size == 4 ? (const void *)&u32
                                  : (const void *)&v;
    memcpy(at, src, size);
}

/* Microsoft's pages do not say how an over-long name is cut to fit a WCHAR array; the
 * stand-in cuts between characters, as the simulator does: where wchar_t is 16 bits (UTF-16),
 * a surrogate pair whose low half would not fit is left out whole, never written half. */
static void put_wchars(uint8_t *at, size_t cap, const wchar_t *s)
{
    size_t n = stub_wlen(s);
    if (n > cap - 1) {
        n = cap - 1;
        if (sizeof(wchar_t) == 2 && n > 0 && (s[n - 1] & 0xFC00) == 0xD800 &&
            (s[n] & 0xFC00) == 0xDC00)
            n--;
    }
    memcpy(at, s ? s : L"", n * sizeof(wchar_t));
    memset(at + n * sizeof(wchar_t), 0, sizeof(wchar_t));
}

/* WTSCLIENTW.ClientAddress (size bytes at at, zeroed) from family and the WTS_CLIENT_ADDRESS
 * bytes b: see K_CLIENT_ADDR. */
static void put_client_address(uint8_t *at, size_t size, int64_t family, const blob *b)
{
    if (family == AF_INET_FAMILY) {
        char text[16];
        const uint8_t *a = b->len >= 6 ? b->bytes + 2 : (const uint8_t *)"\0\0\0\0";
        int n = snprintf(text, sizeof text, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
        for (int i = 0; i < n && (size_t)(i + 1) * 2 < size; i++)
            put_int(at + (size_t)i * 2, 2, (unsigned char)text[i]); /* the NUL: zeroed */
        return;
    }
    if (family != 0 && b->bytes != NULL) /* AF_INET6: 16 bytes; others: as they are */
        memcpy(at, b->bytes, b->len < size ? b->len : size);
}

/* Lays out one record in shape sh at dst (NULL when measuring), its strings and byte
 * strings through pk. */
static void fill(const shape *sh, const record *r, uint8_t *dst, packer *pk)
{
    for (uint32_t i = 0; i < sh->nfields; i++) {
        const fdesc *f = &sh->fields[i];
        uint8_t *at = dst ? dst + f->offset : NULL;
        uint8_t *copy = NULL;
        switch (f->kind) {
        case K_NUM:
        case K_CONST:
            if (at != NULL)
                put_int(at, f->size, f->kind == K_NUM ? num_value(r, f->src) : f->src);
            continue;
        case K_STR:
        case K_OPT_STR:
        case K_STR_DATA: {
            const wchar_t *s = r->str[f->src];
            if ((s == NULL && f->kind == K_STR) || (stub_wempty(s) && f->kind == K_OPT_STR))
                continue; /* the buffer is zeroed: the pointer stays NULL */
            s = s ? s : L""; /* a query of an unset string returns just the NUL */
            copy = append(pk, s, (wcslen(s) + 1) * sizeof(wchar_t), _Alignof(wchar_t));
            break;
        }
        case K_BLOB:
        case K_BLOB_DATA: {
            const blob *b = &r->bin[f->src];
            if (b->bytes == NULL && f->kind == K_BLOB)
                continue;
            copy = append(pk, b->bytes, b->len, 8); /* a SID wants DWORD alignment */
            break;
        }
        case K_WCHARS:
            if (at != NULL)
                put_wchars(at, f->size / f->elem, r->str[f->src]);
            continue;
        case K_BYTES:
            for (uint32_t j = 0; at != NULL && j < r->bin[f->src].len && j < f->size / f->elem; j++)
                put_int(at + j * f->elem, f->elem, r->bin[f->src].bytes[j]);
            continue;
        case K_NEST:
            fill(&STRUCT_SHAPES[f->src], r, at, pk);
            continue;
        case K_CLIENT_ADDR:
            if (at != NULL)
                put_client_address(at, f->size, num_value(r, N_ADDRESS_FAMILY), &r->bin[f->src]);
            continue;
        default: /* K_ZERO */
            continue;
        }
        if (at != NULL && (f->kind == K_STR || f->kind == K_OPT_STR || f->kind == K_BLOB))
            memcpy(at, &copy, sizeof copy);
    }
}

/* One tracked buffer (tagged tag) holding rows[0..n) in shape sh. */
static uint32_t pack(const shape *sh, record *const *rows, uint32_t n, uint64_t tag,
                     uint8_t **out, size_t *bytes)
{
    packer pk = {NULL, (size_t)n * sh->size};
    for (uint32_t i = 0; i < n; i++)
        fill(sh, rows[i], NULL, &pk);
    uint8_t *buf = stub_track_alloc_tagged(&g.buffers, pk.end, tag);
    if (buf == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    memset(buf, 0, pk.end);
    *bytes = pk.end;
    pk = (packer){buf, (size_t)n * sh->size};
    for (uint32_t i = 0; i < n; i++)
        fill(sh, rows[i], buf + (size_t)i * sh->size, &pk);
    *out = buf;
    return 0;
}

/* Buffer tags: 0 is WTSFreeMemory's; WTSFreeMemoryExW's carry its type class and count. */
#define EX_TAG 0x8000000000000000u
static uint64_t ex_tag(uint32_t type_class, uint32_t count)
{
    return EX_TAG | (uint64_t)(type_class & 0x7FFFFFFFu) << 32 | count;
}

/* Every row of t on server, shape `which`, as one buffer; Ex buffers are tagged for
 * WTSFreeMemoryExW(WTSTypeSessionInfoLevel1, p, count). */
static uint32_t enumerate(uint32_t server, const table *t, int which, int ex, void *pp,
                          uint32_t *pcount)
{
    if (pp == NULL || pcount == NULL)
        return ERROR_INVALID_PARAMETER;
    record **rows = malloc((t->n ? t->n : 1) * sizeof *rows);
    if (rows == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    uint32_t n = 0;
    for (uint32_t i = 0; i < t->n; i++)
        if (t->rows[i].server == server)
            rows[n++] = &t->rows[i];
    uint8_t *buf = NULL;
    size_t bytes;
    uint32_t err = n == 0 && g.empty_is_error
                       ? ERROR_NO_MORE_ITEMS
                       : pack(&STRUCT_SHAPES[which], rows, n,
                              ex ? ex_tag(TYPE_SESSION_INFO_LEVEL1, n) : 0, &buf, &bytes);
    free(rows);
    if (err == 0 && g.hostile == HOSTILE_NULL_BUFFER) {
        if (buf != NULL)
            (void)stub_track_free(&g.buffers, buf);
        buf = NULL;
        n = g.hostile_arg;
    }
    if (err == 0 && g.hostile == HOSTILE_SID_COUNT && which == T_WTS_PROCESS_INFOW) {
        for (uint32_t i = 0; i < n; i++) {
            uint8_t *sid = (uint8_t *)((WTS_PROCESS_INFOW *)(void *)buf)[i].pUserSid;
            if (sid != NULL)
                sid[1] = (uint8_t)g.hostile_arg; /* SID.SubAuthorityCount */
        }
    }
    if (err == 0) {
        memcpy(pp, &buf, sizeof buf); /* pp is a T** of the caller's structure type */
        *pcount = n;
    }
    return err;
}

/* ex 0: WTSFreeMemory; else WTSFreeMemoryExW with type_class and count. */
static uint32_t free_buffer(void *p, int ex, uint32_t type_class, uint32_t count)
{
    uint64_t tag;
    if (!stub_track_tag(&g.buffers, p, &tag)) {
        (void)stub_track_free(&g.buffers, p); /* counts a double or foreign free */
        return ERROR_INVALID_PARAMETER;
    }
    /* WTSFreeMemoryEx: buffers of WTS_PROCESS_INFO_EX or WTS_SESSION_INFO_1 "you must" free
     * with it; "To free other buffers, you can call either the WTSFreeMemory function or the
     * WTSFreeMemoryEx function" (its page; which WTSTypeClass then, it does not say: any).
     * So only WTSFreeMemory on an Ex buffer is wrong. */
    if (!ex && (tag & EX_TAG)) {
        /* Windows would leak (or corrupt) here; the buffer stays live, so it shows. */
        g.wrong_frees++;
        return ERROR_INVALID_PARAMETER;
    }
    if (ex && (tag & EX_TAG) && tag != ex_tag(type_class, count)) {
        g.bad_free_args++;
        return ERROR_INVALID_PARAMETER;
    }
    (void)stub_track_free(&g.buffers, p);
    return 0;
}

/* ---- system events ---- */

static void release(waiter *w, uint32_t flags)
{
    w->flags = flags;
    w->done = 1;
    g.blocked--;
}

/* Hands queued events to blocked waiters, oldest event to the first waiter whose mask it
 * meets; with waiters present, an event none of them wants is dropped. */
static void dispatch(void)
{
    int released = 0;
    while (g.nevents > 0 && g.blocked > 0) {
        uint32_t ev = g.events[0];
        memmove(g.events, g.events + 1, --g.nevents * sizeof *g.events);
        for (waiter *w = g.waiters; w != NULL; w = w->next) {
            if (!w->done && (w->mask & ev)) {
                release(w, ev & w->mask);
                released = 1;
                break;
            }
        }
    }
    if (released)
        stub_cond_broadcast(&g.wake);
}

/* Releases every blocked waiter on handle (all: every waiter) with no event. WTS_EVENT_FLUSH
 * returns "all pending WTSWaitSystemEvent calls on the specified RD Session Host server
 * handle" (WTSWaitSystemEvent, EventMask): that handle's, not other handles' to the server. */
static void flush(uintptr_t handle, int all)
{
    for (waiter *w = g.waiters; w != NULL; w = w->next)
        if (!w->done && (all || w->handle == handle))
            release(w, WTS_EVENT_NONE);
    stub_cond_broadcast(&g.wake);
}

static uint32_t wait_event(HANDLE h, uint32_t mask, uint32_t *flags)
{
    if (flags == NULL || mask == 0) /* mask 0 could never be met */
        return ERROR_INVALID_PARAMETER;
    if (mask & WTS_EVENT_FLUSH) {
        flush((uintptr_t)h, 0);
        *flags = WTS_EVENT_NONE;
        return 0;
    }
    waiter w = {NULL, (uintptr_t)h, mask, 0, 0};
    waiter **tail = &g.waiters;
    while (*tail != NULL)
        tail = &(*tail)->next;
    *tail = &w;
    g.blocked++;
    dispatch(); /* events queued before the call count */
    while (!w.done)
        stub_cond_wait(&g.wake, &g.lock);
    for (waiter **p = &g.waiters; *p != NULL; p = &(*p)->next) {
        if (*p == &w) {
            *p = w.next;
            break;
        }
    }
    *flags = w.flags;
    return 0;
}

/* ---- the API. Each counted export runs between begin and finish. ---- */

typedef struct call {
    uint32_t server;
    uint32_t err;
} call;

/* Takes the lock, counts the call, applies a failure scheduled for it, then resolves
 * hServer when the export has one. 1 if the export should go on, else c->err says why. */
static int begin(call *c, int has_server, HANDLE h)
{
    stub_event ev;
    int failed = 0;
    stub_lock(&g.lock);
    c->server = 0;
    c->err = 0;
    g.calls++;
    while (stub_schedule_take(&g.schedule, g.calls, &ev)) {
        if (!failed)
            c->err = ev.args[0];
        failed = 1;
    }
    if (!failed && has_server) {
        c->err = resolve_server(h, &c->server);
        if (c->err == 0 && c->server < STUB_MAX_DELAYS && g.delay_ms[c->server] != 0) {
            stub_delay_server(&g.lock, g.delay_ms, c->server); /* test-only knob */
            c->err = resolve_server(h, &c->server); /* the table may have changed meanwhile */
        }
    }
    return !failed && c->err == 0;
}

/* Unlocks; sets the last error of a failed call (a succeeding one leaves it alone). */
static BOOL finish(const call *c)
{
    stub_unlock(&g.lock);
    if (c->err != 0)
        stub_error_set(c->err);
    return c->err == 0;
}

static HANDLE open_server(const wchar_t *name)
{
    call c;
    HANDLE h = NULL;
    if (begin(&c, 0, NULL)) {
        if (g.hostile == HOSTILE_OPEN_NULL) {
            c.err = g.hostile_arg;
            if (c.err == 0) { /* NULL, and the last error left as it was */
                stub_unlock(&g.lock);
                return NULL;
            }
        } else {
            c.err = open_handle(name, &h);
        }
    }
    return finish(&c) ? h : NULL;
}

STUB_API HANDLE WINAPI WTSOpenServerW(wchar_t *pServerName)
{
    return open_server(pServerName);
}

STUB_API HANDLE WINAPI WTSOpenServerExW(wchar_t *pServerName)
{
    return open_server(pServerName);
}

STUB_API void WINAPI WTSCloseServer(HANDLE hServer)
{
    call c;
    /* Closing WTS_CURRENT_SERVER_HANDLE is a no-op, as on Windows. */
    if (begin(&c, 0, NULL) && hServer != NULL && !close_handle(hServer)) {
        g.bad_closes++;
        c.err = ERROR_INVALID_HANDLE;
    }
    (void)finish(&c);
}

/* The three enumerate exports; args_ok: their Reserved/Version/Level/Filter were valid. */
static BOOL enumerate_call(HANDLE hServer, int args_ok, const table *t, int which, int ex,
                           void *pp, uint32_t *pcount)
{
    call c;
    if (begin(&c, 1, hServer))
        c.err = args_ok ? enumerate(c.server, t, which, ex, pp, pcount) : ERROR_INVALID_PARAMETER;
    return finish(&c);
}

STUB_API BOOL WINAPI WTSEnumerateSessionsW(HANDLE hServer, uint32_t Reserved, uint32_t Version,
                                           WTS_SESSION_INFOW **ppSessionInfo, uint32_t *pCount)
{
    return enumerate_call(hServer, Reserved == 0 && Version == 1, &g.sessions,
                          T_WTS_SESSION_INFOW, 0, ppSessionInfo, pCount);
}

STUB_API BOOL WINAPI WTSEnumerateSessionsExW(HANDLE hServer, uint32_t *pLevel, uint32_t Filter,
                                             WTS_SESSION_INFO_1W **ppSessionInfo,
                                             uint32_t *pCount)
{
    return enumerate_call(hServer, pLevel != NULL && *pLevel == 1 && Filter == 0, &g.sessions,
                          T_WTS_SESSION_INFO_1W, 1, ppSessionInfo, pCount);
}

STUB_API BOOL WINAPI WTSEnumerateProcessesW(HANDLE hServer, uint32_t Reserved, uint32_t Version,
                                            WTS_PROCESS_INFOW **ppProcessInfo, uint32_t *pCount)
{
    BOOL ok = enumerate_call(hServer, Reserved == 0 && Version == 1, &g.processes,
                             T_WTS_PROCESS_INFOW, 0, ppProcessInfo, pCount);
    /* Windows sets the last error to 0 when this succeeds (the page is silent; Wine's
     * dlls/wtsapi32/tests/wtsapi.c, test_WTSEnumerateProcessesW, asserts it on Windows). */
    if (ok)
        stub_error_set(0);
    return ok;
}

STUB_API BOOL WINAPI WTSTerminateProcess(HANDLE hServer, uint32_t ProcessId, uint32_t ExitCode)
{
    call c;
    (void)ExitCode;
    if (begin(&c, 1, hServer)) {
        record *p = find_row(&g.processes, c.server, N_PID, ProcessId);
        if (p != NULL)
            remove_row(&g.processes, p);
        else
            c.err = ERROR_INVALID_PARAMETER;
    }
    return finish(&c);
}

STUB_API void WINAPI WTSFreeMemory(void *pMemory)
{
    if (pMemory == NULL)
        return;
    stub_lock(&g.lock);
    (void)free_buffer(pMemory, 0, 0, 0); /* void: misuse shows in the counters only */
    stub_unlock(&g.lock);
}

STUB_API BOOL WINAPI WTSFreeMemoryExW(int32_t WTSTypeClass, void *pMemory,
                                      uint32_t NumberOfEntries)
{
    uint32_t err = ERROR_INVALID_PARAMETER;
    if (pMemory != NULL) {
        stub_lock(&g.lock);
        err = free_buffer(pMemory, 1, (uint32_t)WTSTypeClass, NumberOfEntries);
        stub_unlock(&g.lock);
    }
    if (err != 0)
        stub_error_set(err);
    return err == 0;
}

#define CLASS_SESSION_ADDRESS_V4 28u
#define CLASS_IS_REMOTE_SESSION 29u

/* current_server: hServer was WTS_CURRENT_SERVER_HANDLE. */
static uint32_t query(uint32_t server, int current_server, uint32_t id, uint32_t cls,
                      wchar_t **ppBuffer, uint32_t *pBytesReturned)
{
    /* A NULL ppBuffer or pBytesReturned is ERROR_INVALID_USER_BUFFER, *pBytesReturned left
     * as it was (the page is silent; Wine's dlls/wtsapi32/tests/wtsapi.c,
     * test_WTSQuerySessionInformation, asserts both on Windows). */
    if (ppBuffer == NULL || pBytesReturned == NULL)
        return ERROR_INVALID_USER_BUFFER;
    if (cls >= N_CLASSES)
        return ERROR_INVALID_PARAMETER;
    const shape *sh = &CLASSES[cls];
    if (sh->nfields == 0 || (g.unsupported >> cls & 1))
        return ERROR_NOT_SUPPORTED;
    /* WTSIsRemoteSession: "This value can only be used for the local machine, so the hServer
     * parameter ... must contain WTS_CURRENT_SERVER_HANDLE" (WTS_INFO_CLASS). Which error
     * another handle gets, the page does not say: ERROR_INVALID_PARAMETER here. */
    if (cls == CLASS_IS_REMOTE_SESSION && !current_server)
        return ERROR_INVALID_PARAMETER;
    record *r = find_session(server, id);
    if (r == NULL)
        return ERROR_CTX_WINSTATION_NOT_FOUND;
    /* WTSSessionAddressV4: "If the session does not have a virtual IP address, the
     * WTSQuerySessionInformation function returns ERROR_NOT_SUPPORTED." (WTS_INFO_CLASS) */
    if (cls == CLASS_SESSION_ADDRESS_V4 && r->bin[B_SESSION_ADDRESS].bytes == NULL)
        return ERROR_NOT_SUPPORTED;
    uint8_t *buf;
    size_t bytes;
    uint32_t err = pack(sh, &r, 1, 0, &buf, &bytes);
    if (err == 0 && g.hostile == HOSTILE_NULL_BUFFER) {
        (void)stub_track_free(&g.buffers, buf);
        buf = NULL;
        bytes = g.hostile_arg;
    } else if (err == 0 && g.hostile == HOSTILE_QUERY_SIZE) {
        bytes += g.hostile_arg;
    }
    if (err == 0) {
        *ppBuffer = (wchar_t *)(void *)buf;
        *pBytesReturned = (uint32_t)bytes;
    }
    return err;
}

STUB_API BOOL WINAPI WTSQuerySessionInformationW(HANDLE hServer, uint32_t SessionId,
                                                 int32_t WTSInfoClass, wchar_t **ppBuffer,
                                                 uint32_t *pBytesReturned)
{
    call c;
    if (begin(&c, 1, hServer))
        c.err = query(c.server, hServer == NULL, SessionId, (uint32_t)WTSInfoClass, ppBuffer,
                      pBytesReturned);
    return finish(&c);
}

/* logoff 0: disconnect. */
static uint32_t end_session(uint32_t server, uint32_t id, BOOL wait, int logoff)
{
    record *r = find_session(server, id);
    if (r == NULL)
        return ERROR_CTX_WINSTATION_NOT_FOUND;
    g.last_wait = (uint32_t)wait;
    if (logoff) {
        remove_row(&g.sessions, r);
        return 0;
    }
    r->num[N_STATE] = WTS_DISCONNECTED;
    r->num[N_DISCONNECT_TIME] = num_value(r, N_CURRENT_TIME);
    return 0;
}

STUB_API BOOL WINAPI WTSDisconnectSession(HANDLE hServer, uint32_t SessionId, BOOL bWait)
{
    call c;
    if (begin(&c, 1, hServer))
        c.err = end_session(c.server, SessionId, bWait, 0);
    return finish(&c);
}

STUB_API BOOL WINAPI WTSLogoffSession(HANDLE hServer, uint32_t SessionId, BOOL bWait)
{
    call c;
    if (begin(&c, 1, hServer))
        c.err = end_session(c.server, SessionId, bWait, 1);
    return finish(&c);
}

/* Microsoft: lengths are in bytes, without the NUL. */
static int byte_length_ok(const wchar_t *s, uint32_t length)
{
    return s != NULL && (uint64_t)length == (uint64_t)wcslen(s) * sizeof(wchar_t);
}

static uint32_t send_message(uint32_t server, uint32_t id, const wchar_t *title,
                             uint32_t title_len, const wchar_t *msg, uint32_t msg_len,
                             uint32_t style, uint32_t timeout, uint32_t *response, BOOL wait)
{
    if (response == NULL || !byte_length_ok(title, title_len) || !byte_length_ok(msg, msg_len))
        return ERROR_INVALID_PARAMETER;
    if (find_session(server, id) == NULL)
        return ERROR_CTX_WINSTATION_NOT_FOUND;
    if (set_str(&g.last_title, title) != 0 || set_str(&g.last_message, msg) != 0)
        return ERROR_NOT_ENOUGH_MEMORY;
    g.last_style = style;
    g.last_timeout = timeout;
    g.last_wait = (uint32_t)wait;
    if (!wait)
        *response = RESPONSE_IDASYNC;
    else if (g.response != 0)
        *response = g.response;
    else
        *response = timeout > 0 ? RESPONSE_IDTIMEOUT : RESPONSE_IDOK;
    return 0;
}

STUB_API BOOL WINAPI WTSSendMessageW(HANDLE hServer, uint32_t SessionId, wchar_t *pTitle,
                                     uint32_t TitleLength, wchar_t *pMessage,
                                     uint32_t MessageLength, uint32_t Style, uint32_t Timeout,
                                     uint32_t *pResponse, BOOL bWait)
{
    call c;
    if (begin(&c, 1, hServer))
        c.err = send_message(c.server, SessionId, pTitle, TitleLength, pMessage, MessageLength,
                             Style, Timeout, pResponse, bWait);
    return finish(&c);
}

STUB_API BOOL WINAPI WTSWaitSystemEvent(HANDLE hServer, uint32_t EventMask,
                                        uint32_t *pEventFlags)
{
    call c;
    if (begin(&c, 1, hServer))
        c.err = wait_event(hServer, EventMask, pEventFlags);
    return finish(&c);
}

STUB_API BOOL WINAPI WTSRegisterSessionNotification(HWND hWnd, uint32_t dwFlags)
{
    call c;
    if (begin(&c, 0, NULL)) {
        HWND *grown;
        int known = 0;
        for (uint32_t i = 0; i < g.nregistered; i++)
            known |= g.registered[i] == hWnd;
        /* dwFlags: NOTIFY_FOR_THIS_SESSION (0) or NOTIFY_FOR_ALL_SESSIONS (1); "If the window
         * handle passed in this function is already registered, the value of the dwFlags
         * parameter is ignored." Every call needs its own WTSUnRegisterSessionNotification
         * ("For every call to this function, there must be a corresponding call"), so a
         * repeated registration is counted again. */
        if (hWnd == NULL || (dwFlags > 1 && !known))
            c.err = ERROR_INVALID_PARAMETER;
        else if ((grown = stub_grow(g.registered, &g.registered_cap, g.nregistered + 1,
                                    sizeof *grown)) == NULL)
            c.err = ERROR_NOT_ENOUGH_MEMORY;
        else
            (g.registered = grown)[g.nregistered++] = hWnd;
    }
    return finish(&c);
}

STUB_API BOOL WINAPI WTSUnRegisterSessionNotification(HWND hWnd)
{
    call c;
    if (begin(&c, 0, NULL)) {
        uint32_t i = 0;
        while (i < g.nregistered && g.registered[i] != hWnd)
            i++;
        if (hWnd == NULL || i == g.nregistered)
            c.err = ERROR_INVALID_PARAMETER;
        else
            g.registered[i] = g.registered[--g.nregistered];
    }
    return finish(&c);
}

/* WTSRegisterSessionNotificationEx (Microsoft Learn): hServer from WTSOpenServer or
 * WTS_CURRENT_SERVER; dwFlags NOTIFY_FOR_THIS_SESSION (0) or NOTIFY_FOR_ALL_SESSIONS (1), and
 * "can only be NOTIFY_FOR_THIS_SESSION if hServer is a remote server"; "If the window handle
 * passed in this function is already registered, the value of the dwFlags parameter is
 * ignored." The page names no error for a NULL or non-window hWnd or bad flags:
 * ERROR_INVALID_PARAMETER is the stand-in's choice (under Windows it asks IsWindow). */
STUB_API BOOL WINAPI WTSRegisterSessionNotificationEx(HANDLE hServer, HWND hWnd,
                                                      uint32_t dwFlags)
{
    call c;
    if (begin(&c, 1, hServer)) {
        registration *grown;
        int known = 0;
        for (uint32_t i = 0; i < g.nregs_ex; i++)
            known |= g.regs_ex[i].server == c.server && g.regs_ex[i].hwnd == hWnd;
#ifdef _WIN32
        int window = hWnd != NULL && IsWindow(hWnd);
#else
        int window = hWnd != NULL;
#endif
        if (!window || dwFlags > 1 || (c.server != 0 && dwFlags != 0))
            c.err = ERROR_INVALID_PARAMETER;
        else if (!known) {
            if ((grown = stub_grow(g.regs_ex, &g.regs_ex_cap, g.nregs_ex + 1, sizeof *grown)) ==
                NULL)
                c.err = ERROR_NOT_ENOUGH_MEMORY;
            else
                (g.regs_ex = grown)[g.nregs_ex++] = (registration){c.server, hWnd, dwFlags};
            if (c.err == 0 && g.nseen < MAX_WINDOWS_SEEN)
                g.seen[g.nseen++] = hWnd;
        }
    }
    return finish(&c);
}

/* "When a window no longer requires these notifications, it must call
 * WTSUnRegisterSessionNotificationEx before being destroyed." Unregistering a window that is
 * not registered: the page is silent; ERROR_INVALID_PARAMETER here. */
STUB_API BOOL WINAPI WTSUnRegisterSessionNotificationEx(HANDLE hServer, HWND hWnd)
{
    call c;
    if (begin(&c, 1, hServer)) {
        uint32_t i = 0;
        while (i < g.nregs_ex && !(g.regs_ex[i].server == c.server && g.regs_ex[i].hwnd == hWnd))
            i++;
        if (i == g.nregs_ex)
            c.err = ERROR_INVALID_PARAMETER;
        else
            g.regs_ex[i] = g.regs_ex[--g.nregs_ex];
    }
    return finish(&c);
}

/* WTSQueryUserToken (Microsoft Learn): the caller must be LocalSystem with SE_TCB_NAME
 * (ERROR_PRIVILEGE_NOT_HELD otherwise; stub_wts_set_tcb(0) simulates that caller);
 * ERROR_INVALID_PARAMETER for a NULL phToken; ERROR_CTX_WINSTATION_NOT_FOUND for a session
 * that does not exist; ERROR_NO_TOKEN for a session in which no user is logged on ("when
 * the session is in the idle state or SessionId is zero"). The token handed out is, under
 * Windows/Wine, this process's own token (OpenProcessToken: a real primary token that the
 * caller closes with the real CloseHandle); on Linux an opaque value closed through this
 * library's CloseHandle. Either way it is recorded: stub_wts_tokens_open(). */
STUB_API BOOL WINAPI WTSQueryUserToken(uint32_t SessionId, HANDLE *phToken)
{
    call c;
    if (begin(&c, 0, NULL)) {
        const record *s = find_session(0, SessionId);
        HANDLE *grown = stub_grow(g.tokens, &g.tokens_cap, g.ntokens + 1, sizeof *grown);
        if (grown != NULL)
            g.tokens = grown; /* the capacity is already updated: keep the array with it */
        g.last_token_session = SessionId;
        /* NULL phToken is checked before the privilege: Windows answers
         * ERROR_INVALID_PARAMETER to a caller without SE_TCB_NAME (Wine's
         * dlls/wtsapi32/tests/wtsapi.c, test_WTSQueryUserToken, run unprivileged). */
        if (phToken == NULL)
            c.err = ERROR_INVALID_PARAMETER;
        else if (g.tcb_missing)
            c.err = ERROR_PRIVILEGE_NOT_HELD;
        else if (s == NULL)
            c.err = ERROR_CTX_WINSTATION_NOT_FOUND;
        else if (SessionId == 0 || stub_wempty(s->str[S_USER_NAME]))
            c.err = ERROR_NO_TOKEN;
        else if (grown == NULL)
            c.err = ERROR_NOT_ENOUGH_MEMORY;
        else {
            HANDLE token = NULL;
#ifdef _WIN32
            if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ALL_ACCESS, &token))
                c.err = GetLastError();
#else
            token = (HANDLE)(uintptr_t)(UINT64_C(0x70CE00000000) + ++g.token_serial * 16);
#endif
            if (c.err == 0) {
                g.tokens[g.ntokens++] = token;
                g.tokens_handed++;
                *phToken = token;
            }
        }
    }
    return finish(&c);
}

/* WTSConnectSessionW (Microsoft Learn): "The value of pPassword cannot be NULL"; an
 * unknown session: ERROR_CTX_WINSTATION_NOT_FOUND; TargetLogonId may be WTS_CURRENT_SESSION.
 * What becomes of the states the page does not say: here the connected session is ACTIVE
 * and the session whose terminal it took (when another) DISCONNECTED, as tscon leaves them. */
STUB_API BOOL WINAPI WTSConnectSessionW(uint32_t LogonId, uint32_t TargetLogonId,
                                        wchar_t *pPassword, BOOL bWait)
{
    call c;
    if (begin(&c, 0, NULL)) {
        record *source = find_session(0, LogonId);
        record *target = find_session(0, TargetLogonId);
        if (pPassword == NULL)
            c.err = ERROR_INVALID_PARAMETER;
        else if (source == NULL || target == NULL)
            c.err = ERROR_CTX_WINSTATION_NOT_FOUND;
        else {
            if (target != source)
                target->num[N_STATE] = WTS_DISCONNECTED;
            source->num[N_STATE] = WTS_ACTIVE;
            g.connects++;
            g.last_connect_wait = bWait != 0;
        }
    }
    return finish(&c);
}

/* WTSStartRemoteControlSessionW: the session must exist on pTargetServerName (NULL or the
 * local name: this server; unknown: RPC_S_SERVER_UNAVAILABLE) and be active (the page names
 * no error otherwise: ERROR_CTX_WINSTATION_NOT_FOUND is the stand-in's choice). It is
 * SHADOW until WTSStopRemoteControlSession. */
STUB_API BOOL WINAPI WTSStartRemoteControlSessionW(wchar_t *pTargetServerName,
                                                   uint32_t TargetLogonId, uint8_t HotkeyVk,
                                                   uint16_t HotkeyModifiers)
{
    call c;
    if (begin(&c, 0, NULL)) {
        uint32_t server = 0;
        record *s = NULL;
        if (!stub_servers_find(&g.servers, pTargetServerName, &server))
            c.err = RPC_S_SERVER_UNAVAILABLE;
        else if ((s = find_session(server, TargetLogonId)) == NULL ||
                 s->num[N_STATE] != WTS_ACTIVE || g.nshadowed == MAX_SHADOWED)
            c.err = ERROR_CTX_WINSTATION_NOT_FOUND;
        else {
            g.shadowed[g.nshadowed].server = server;
            g.shadowed[g.nshadowed].id = (uint32_t)s->num[N_ID];
            g.shadowed[g.nshadowed++].state = s->num[N_STATE];
            s->num[N_STATE] = WTS_SHADOW;
            g.remote_controls++;
            g.last_vk = HotkeyVk;
            g.last_modifiers = HotkeyModifiers;
        }
    }
    return finish(&c);
}

/* WTSStopRemoteControlSession: a session nobody shadows fails with ERROR_INVALID_PARAMETER
 * (the page is silent). */
STUB_API BOOL WINAPI WTSStopRemoteControlSession(uint32_t LogonId)
{
    call c;
    if (begin(&c, 0, NULL)) {
        record *s = find_session(0, LogonId);
        uint32_t i = 0;
        while (s != NULL && i < g.nshadowed &&
               !(g.shadowed[i].server == 0 && g.shadowed[i].id == (uint32_t)s->num[N_ID]))
            i++;
        if (s == NULL || i == g.nshadowed)
            c.err = ERROR_INVALID_PARAMETER;
        else {
            s->num[N_STATE] = g.shadowed[i].state;
            g.shadowed[i] = g.shadowed[--g.nshadowed];
        }
    }
    return finish(&c);
}

/* WTSEnumerateServersW: Reserved 0 and Version 1; the answer is an array of
 * WTS_SERVER_INFOW followed by the names, freed with WTSFreeMemory. */
STUB_API BOOL WINAPI WTSEnumerateServersW(wchar_t *pDomainName, uint32_t Reserved,
                                          uint32_t Version, void *ppServerInfo, uint32_t *pCount)
{
    call c;
    (void)pDomainName;
    if (begin(&c, 0, NULL)) {
        if (Reserved != 0 || Version != 1 || ppServerInfo == NULL || pCount == NULL)
            c.err = ERROR_INVALID_PARAMETER;
        else {
            size_t bytes = g.ndomain_servers * sizeof(wchar_t *);
            for (uint32_t i = 0; i < g.ndomain_servers; i++)
                bytes += (stub_wlen(g.domain_servers[i]) + 1) * sizeof(wchar_t);
            uint8_t *buf = stub_track_alloc(&g.buffers, bytes ? bytes : 1);
            if (buf == NULL)
                c.err = ERROR_NOT_ENOUGH_MEMORY;
            else {
                wchar_t **names = (wchar_t **)buf;
                wchar_t *text = (wchar_t *)(buf + g.ndomain_servers * sizeof(wchar_t *));
                for (uint32_t i = 0; i < g.ndomain_servers; i++) {
                    names[i] = text;
                    text = stub_wcopy(text, g.domain_servers[i]);
                }
                memcpy(ppServerInfo, &buf, sizeof buf);
                *pCount = g.ndomain_servers;
            }
        }
    }
    return finish(&c);
}

/* WTSShutdownSystem: ShutdownFlag is one WTS_WSD_* value. WTS_WSD_LOGOFF "Forces all client
 * sessions to log off (except the session calling the function)": sessions with a user,
 * other than the current one, go. The other flags are only counted. */
STUB_API BOOL WINAPI WTSShutdownSystem(HANDLE hServer, uint32_t ShutdownFlag)
{
    call c;
    if (begin(&c, 1, hServer)) {
        uint32_t f = ShutdownFlag;
        if (f == 0 || (f & (f - 1)) != 0 || f > 16)
            c.err = ERROR_INVALID_PARAMETER;
        else {
            g.shutdowns++;
            g.last_shutdown = f;
            for (uint32_t i = g.sessions.n; f == WTS_WSD_LOGOFF && i-- > 0;) {
                record *r = &g.sessions.rows[i];
                int own = c.server == 0 && r->num[N_ID] == (int64_t)g.current_session;
                if (r->server == c.server && !stub_wempty(r->str[S_USER_NAME]) && !own)
                    remove_row(&g.sessions, r);
            }
        }
    }
    return finish(&c);
}

/* ---- kernel32's part, on Linux only: under Wine and on Windows kernel32 answers ---- */
#ifndef _WIN32
STUB_API uint32_t WINAPI WTSGetActiveConsoleSessionId(void)
{
    return stub_locked_u32(&g.lock, &g.console_session);
}

/* CloseHandle for the tokens WTSQueryUserToken handed out (Linux only: there is no kernel32
 * there). A value that is not an open token fails with ERROR_INVALID_HANDLE and counts. */
STUB_API BOOL WINAPI CloseHandle(HANDLE hObject)
{
    uint32_t err = ERROR_INVALID_HANDLE;
    stub_lock(&g.lock);
    for (uint32_t i = 0; i < g.ntokens; i++) {
        if (g.tokens[i] == hObject) {
            g.tokens[i] = g.tokens[--g.ntokens];
            err = 0;
            break;
        }
    }
    if (err != 0)
        g.token_bad_closes++;
    stub_unlock(&g.lock);
    if (err != 0)
        stub_error_set(err);
    return err == 0;
}

STUB_API BOOL WINAPI ProcessIdToSessionId(uint32_t dwProcessId, uint32_t *pSessionId)
{
    uint32_t err = ERROR_INVALID_PARAMETER;
    stub_lock(&g.lock);
    const record *p = find_row(&g.processes, 0, N_PID, dwProcessId);
    if (p != NULL && pSessionId != NULL) {
        *pSessionId = (uint32_t)p->num[N_ID];
        err = 0;
    }
    stub_unlock(&g.lock);
    if (err != 0)
        stub_error_set(err);
    return err == 0;
}
#endif

/* ---- control exports (C calling convention) ---- */

STUB_API uint32_t stub_get_last_error(void)
{
    return stub_error_get();
}

STUB_API void stub_set_last_error(uint32_t code)
{
    stub_error_set(code);
}

STUB_API void stub_wts_reset(void)
{
    stub_lock(&g.lock);
    clear_table(&g.sessions);
    clear_table(&g.processes);
    stub_servers_clear(&g.servers);
    stub_schedule_clear(&g.schedule);
    stub_track_reset_counters(&g.buffers);
    flush(0, 1); /* nothing stays blocked across a reset */
    free(g.last_title);
    free(g.last_message);
    g.last_title = g.last_message = NULL;
    g.nevents = g.nregistered = 0;
    g.nregs_ex = g.nseen = g.changes_posted = 0;
    g.tokens_handed = g.token_bad_closes = g.tcb_missing = 0;
    for (uint32_t i = 0; i < g.ndomain_servers; i++)
        free(g.domain_servers[i]);
    g.ndomain_servers = g.nshadowed = 0;
    g.connects = g.last_connect_wait = g.remote_controls = g.last_vk = g.last_modifiers = 0;
    g.shutdowns = g.last_shutdown = 0;
    g.last_token_session = NO_SESSION;
    g.current_session = g.console_session = NO_SESSION;
    g.calls = g.wrong_frees = g.bad_free_args = g.bad_closes = 0;
    g.unsupported = 0;
    g.empty_is_error = g.response = 0;
    g.last_wait = NO_WAIT;
    g.last_style = g.last_timeout = 0;
    memset(g.delay_ms, 0, sizeof g.delay_ms);
    g.hostile = g.hostile_arg = 0;
    stub_unlock(&g.lock);
}

STUB_API void stub_wts_hostile(uint32_t mode, uint32_t arg)
{
    stub_lock(&g.lock);
    g.hostile = mode;
    g.hostile_arg = arg;
    stub_unlock(&g.lock);
}

/* Test-only knob (no Windows counterpart): calls on a handle to server (NULL: local) first
 * sleep ms milliseconds with the lock released. 0, or -1 for an unknown server. */
STUB_API int32_t stub_wts_set_delay(const wchar_t *server, uint32_t ms)
{
    return stub_set_delay_locked(&g.lock, &g.servers, g.delay_ms, server, ms);
}

STUB_API int32_t stub_wts_add_server(const wchar_t *name)
{
    return stub_servers_add_locked(&g.lock, &g.servers, name);
}

STUB_API int32_t stub_wts_add_session(const wchar_t *server, uint32_t id, uint32_t state,
                                      const wchar_t *station)
{
    stub_lock(&g.lock);
    record *r = add_row(&g.sessions, server, N_ID, id);
    int ok = r != NULL && set_str(&r->str[S_STATION], station) == 0;
    if (ok)
        r->num[N_STATE] = state;
    else if (r != NULL)
        remove_row(&g.sessions, r);
    stub_unlock(&g.lock);
    return ok ? 0 : -1;
}

STUB_API int32_t stub_wts_add_process(const wchar_t *server, uint32_t session, uint32_t pid,
                                      const wchar_t *name, const uint8_t *sid, uint32_t sid_len)
{
    stub_lock(&g.lock);
    record *r = add_row(&g.processes, server, N_PID, pid);
    int ok = r != NULL && set_str(&r->str[S_PROCESS_NAME], name) == 0 &&
             set_blob(&r->bin[B_SID], sid, sid_len) == 0;
    if (ok)
        r->num[N_ID] = session;
    else if (r != NULL)
        remove_row(&g.processes, r);
    stub_unlock(&g.lock);
    return ok ? 0 : -1;
}

/* The session a control export names; call with the lock held. NULL if none. */
static record *control_session(const wchar_t *server, uint32_t id)
{
    uint32_t sid;
    if (!stub_servers_find(&g.servers, server, &sid))
        return NULL;
    return find_row(&g.sessions, sid, N_ID, id);
}

STUB_API int32_t stub_wts_set_string(const wchar_t *server, uint32_t id, uint32_t field,
                                     const wchar_t *value)
{
    int slot = slot_of(STR_CODES, S_COUNT, field);
    stub_lock(&g.lock);
    record *r = control_session(server, id);
    int ok = r != NULL && slot >= 0 && set_str(&r->str[slot], value) == 0;
    stub_unlock(&g.lock);
    return ok ? 0 : -1;
}

STUB_API int32_t stub_wts_set_number(const wchar_t *server, uint32_t id, uint32_t field,
                                     int64_t value)
{
    int slot = slot_of(NUM_CODES, N_COUNT, field);
    stub_lock(&g.lock);
    record *r = control_session(server, id);
    int ok = r != NULL && slot >= 0;
    if (ok) {
        r->num[slot] = value;
        r->num_set |= UINT64_C(1) << slot;
    }
    stub_unlock(&g.lock);
    return ok ? 0 : -1;
}

STUB_API int32_t stub_wts_set_address(const wchar_t *server, uint32_t id, uint32_t family,
                                      const uint8_t *bytes, uint32_t len)
{
    if (len > 20 || (bytes == NULL && len > 0))
        return -1;
    stub_lock(&g.lock);
    record *r = control_session(server, id);
    int ok = r != NULL && set_blob(&r->bin[B_CLIENT_ADDRESS], bytes, len) == 0;
    if (ok)
        r->num[N_ADDRESS_FAMILY] = family;
    stub_unlock(&g.lock);
    return ok ? 0 : -1;
}

STUB_API int32_t stub_wts_set_blob(const wchar_t *server, uint32_t id, uint32_t cls,
                                   const uint8_t *bytes, uint32_t len)
{
    int slot = slot_of(BLOB_CODES, B_COUNT, cls);
    if (bytes == NULL && len > 0)
        return -1;
    stub_lock(&g.lock);
    record *r = control_session(server, id);
    int ok = r != NULL && slot >= 0 && set_blob(&r->bin[slot], bytes, len) == 0;
    stub_unlock(&g.lock);
    return ok ? 0 : -1;
}

static void set_u32(uint32_t *v, uint32_t value)
{
    stub_lock(&g.lock);
    *v = value;
    stub_unlock(&g.lock);
}

STUB_API void stub_wts_set_current_session(uint32_t id) { set_u32(&g.current_session, id); }
STUB_API void stub_wts_set_console_session(uint32_t id) { set_u32(&g.console_session, id); }
STUB_API void stub_wts_empty_is_error(int32_t on) { set_u32(&g.empty_is_error, on != 0); }
STUB_API void stub_wts_set_message_response(int32_t response)
{
    set_u32(&g.response, (uint32_t)response);
}

STUB_API void stub_wts_unsupported_class(uint32_t cls)
{
    stub_lock(&g.lock);
    if (cls < 64)
        g.unsupported |= UINT64_C(1) << cls;
    stub_unlock(&g.lock);
}

STUB_API uint32_t stub_wts_session_state(const wchar_t *server, uint32_t id)
{
    stub_lock(&g.lock);
    const record *r = control_session(server, id);
    uint32_t state = r ? (uint32_t)r->num[N_STATE] : NO_SESSION;
    stub_unlock(&g.lock);
    return state;
}

STUB_API uint32_t stub_wts_session_count(const wchar_t *server)
{
    uint32_t sid, n = 0;
    stub_lock(&g.lock);
    if (stub_servers_find(&g.servers, server, &sid))
        for (uint32_t i = 0; i < g.sessions.n; i++)
            n += g.sessions.rows[i].server == sid;
    stub_unlock(&g.lock);
    return n;
}

static void copy_out(wchar_t *dst, uint32_t chars, const wchar_t *src)
{
    if (dst != NULL && chars > 0)
        put_wchars((uint8_t *)dst, chars, src);
}

STUB_API uint32_t stub_wts_last_message(wchar_t *title, uint32_t title_chars, wchar_t *msg,
                                        uint32_t msg_chars)
{
    stub_lock(&g.lock);
    copy_out(title, title_chars, g.last_title);
    copy_out(msg, msg_chars, g.last_message);
    uint32_t style = g.last_style;
    stub_unlock(&g.lock);
    return style;
}

STUB_API void stub_wts_queue_event(uint32_t flags)
{
    stub_lock(&g.lock);
    uint32_t *grown = stub_grow(g.events, &g.events_cap, g.nevents + 1, sizeof *grown);
    if (grown != NULL) { /* out of memory: the event is lost (this returns void) */
        g.events = grown;
        g.events[g.nevents++] = flags;
        dispatch();
    }
    stub_unlock(&g.lock);
}

STUB_API void stub_wts_fail_on_call(uint32_t call_no, uint32_t error)
{
    stub_lock(&g.lock);
    /* Past STUB_MAX_EVENTS pending failures the new one is dropped: this returns void. */
    (void)stub_schedule_add(&g.schedule, call_no, EV_FAIL, error, 0);
    stub_unlock(&g.lock);
}

static uint32_t read_u32(const uint32_t *v)
{
    return stub_locked_u32(&g.lock, v);
}

STUB_API uint32_t stub_wts_last_timeout(void) { return read_u32(&g.last_timeout); }
STUB_API int32_t stub_wts_last_wait(void) { return (int32_t)read_u32(&g.last_wait); }
STUB_API uint32_t stub_wts_waiters(void) { return read_u32(&g.blocked); }
STUB_API uint32_t stub_wts_calls(void) { return read_u32(&g.calls); }
STUB_API uint32_t stub_wts_wrong_frees(void) { return read_u32(&g.wrong_frees); }
STUB_API uint32_t stub_wts_bad_free_args(void) { return read_u32(&g.bad_free_args); }
STUB_API uint32_t stub_wts_bad_closes(void) { return read_u32(&g.bad_closes); }
STUB_API uint32_t stub_wts_open_handles(void) { return read_u32(&g.nhandles); }
STUB_API uint32_t stub_wts_registrations(void) { return read_u32(&g.nregistered); }
STUB_API uint32_t stub_wts_registrations_ex(void) { return read_u32(&g.nregs_ex); }
STUB_API uint32_t stub_wts_changes_posted(void) { return read_u32(&g.changes_posted); }
STUB_API uint32_t stub_wts_tokens_handed(void) { return read_u32(&g.tokens_handed); }
STUB_API uint32_t stub_wts_token_bad_closes(void) { return read_u32(&g.token_bad_closes); }
STUB_API uint32_t stub_wts_last_token_session(void) { return read_u32(&g.last_token_session); }
STUB_API void stub_wts_set_tcb(int32_t held) { set_u32(&g.tcb_missing, held == 0); }
STUB_API uint32_t stub_wts_connects(void) { return read_u32(&g.connects); }
STUB_API uint32_t stub_wts_last_connect_wait(void) { return read_u32(&g.last_connect_wait); }
STUB_API uint32_t stub_wts_remote_controls(void) { return read_u32(&g.remote_controls); }
STUB_API uint32_t stub_wts_last_hotkey(void)
{
    stub_lock(&g.lock);
    uint32_t v = g.last_vk | (g.last_modifiers << 8);
    stub_unlock(&g.lock);
    return v;
}
STUB_API uint32_t stub_wts_shutdowns(void) { return read_u32(&g.shutdowns); }
STUB_API uint32_t stub_wts_last_shutdown(void) { return read_u32(&g.last_shutdown); }

/* A server WTSEnumerateServersW lists: 0, or -1 when full or out of memory. */
STUB_API int32_t stub_wts_add_domain_server(const wchar_t *name)
{
    int32_t rc = -1;
    stub_lock(&g.lock);
    wchar_t *copy = stub_wdup(name);
    if (copy != NULL && g.ndomain_servers < MAX_DOMAIN_SERVERS) {
        g.domain_servers[g.ndomain_servers++] = copy;
        rc = 0;
    } else
        free(copy);
    stub_unlock(&g.lock);
    return rc;
}

STUB_API void stub_wts_set_post_message(post_message_fn fn)
{
    stub_lock(&g.lock);
    g.post = fn;
    stub_unlock(&g.lock);
}

/* Posts WM_WTSSESSION_CHANGE (wParam kind, lParam session id) to every window registered
 * with WTSRegisterSessionNotificationEx on server (NULL: local) whose flags cover the
 * session: NOTIFY_FOR_THIS_SESSION windows hear only of the current session. Returns how
 * many posts succeeded. Posting happens outside the lock (the receiver may call back). */
STUB_API uint32_t stub_wts_post_session_change(const wchar_t *server, uint32_t kind,
                                               uint32_t session_id)
{
    HWND targets[MAX_WINDOWS_SEEN];
    uint32_t n = 0, id = 0, posted = 0;
    post_message_fn post;
    stub_lock(&g.lock);
    int known = stub_servers_find(&g.servers, server, &id);
    for (uint32_t i = 0; known && i < g.nregs_ex && n < MAX_WINDOWS_SEEN; i++)
        if (g.regs_ex[i].server == id &&
            (g.regs_ex[i].flags == NOTIFY_FOR_ALL_SESSIONS || session_id == g.current_session))
            targets[n++] = g.regs_ex[i].hwnd;
    post = g.post;
    stub_unlock(&g.lock);
    for (uint32_t i = 0; i < n; i++) {
#ifdef _WIN32
        BOOL ok = post != NULL ? post(targets[i], WM_WTSSESSION_CHANGE, kind, (intptr_t)session_id)
                               : PostMessageW(targets[i], WM_WTSSESSION_CHANGE, kind,
                                              (LPARAM)session_id);
#else
        BOOL ok = post != NULL && post(targets[i], WM_WTSSESSION_CHANGE, kind, (intptr_t)session_id);
#endif
        posted += ok != 0;
    }
    stub_lock(&g.lock);
    g.changes_posted += posted;
    stub_unlock(&g.lock);
    return posted;
}

/* The same as stub_wts_post_session_change with SendMessageTimeoutW (Windows/Wine only):
 * the message goes straight to the window procedure, dispatched by the window thread's
 * GetMessageW, as user32 delivers sent messages. 0 on Linux (no user32 there). */
STUB_API uint32_t stub_wts_send_session_change(const wchar_t *server, uint32_t kind,
                                               uint32_t session_id)
{
    uint32_t sent = 0;
#ifdef _WIN32
    HWND targets[MAX_WINDOWS_SEEN];
    uint32_t n = 0, id = 0;
    stub_lock(&g.lock);
    int known = stub_servers_find(&g.servers, server, &id);
    for (uint32_t i = 0; known && i < g.nregs_ex && n < MAX_WINDOWS_SEEN; i++)
        if (g.regs_ex[i].server == id &&
            (g.regs_ex[i].flags == NOTIFY_FOR_ALL_SESSIONS || session_id == g.current_session))
            targets[n++] = g.regs_ex[i].hwnd;
    stub_unlock(&g.lock);
    for (uint32_t i = 0; i < n; i++) {
        DWORD_PTR result = 0;
        sent += SendMessageTimeoutW(targets[i], WM_WTSSESSION_CHANGE, kind, (LPARAM)session_id,
                                    SMTO_ABORTIFHUNG, 5000, &result) != 0;
    }
#else
    (void)server;
    (void)kind;
    (void)session_id;
#endif
    return sent;
}

/* Windows ever registered (since the reset) that still exist: IsWindow under Windows/Wine
 * (so a window the library forgot to destroy shows); on Linux the simulated user32 counts
 * windows itself and this is 0. */
STUB_API uint32_t stub_wts_live_windows(void)
{
    uint32_t live = 0;
    stub_lock(&g.lock);
#ifdef _WIN32
    for (uint32_t i = 0; i < g.nseen; i++)
        live += IsWindow(g.seen[i]) != 0;
#endif
    stub_unlock(&g.lock);
    return live;
}

/* Tokens handed out and not closed: under Windows/Wine those the real kernel32 still knows
 * (GetHandleInformation succeeds; closed ones are dropped from the record), on Linux those
 * not closed through this library's CloseHandle. */
STUB_API uint32_t stub_wts_tokens_open(void)
{
    stub_lock(&g.lock);
#ifdef _WIN32
    for (uint32_t i = 0; i < g.ntokens;) {
        DWORD flags;
        if (GetHandleInformation(g.tokens[i], &flags))
            i++;
        else
            g.tokens[i] = g.tokens[--g.ntokens];
    }
#endif
    uint32_t open = g.ntokens;
    stub_unlock(&g.lock);
    return open;
}

STUB_TRACKER_EXPORTS(wts, &g.lock, &g.buffers)

STUB_API uint32_t stub_wts_struct_size(uint32_t which)
{
    return which < T_COUNT ? STRUCT_SHAPES[which].size : 0;
}

STUB_API int32_t stub_wts_field_offset(uint32_t which, uint32_t field)
{
    if (which >= T_COUNT || field >= STRUCT_SHAPES[which].nfields)
        return -1;
    return STRUCT_SHAPES[which].fields[field].offset;
}
