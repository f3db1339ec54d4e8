/* secur32 stand-in: LSA logon sessions (LsaEnumerateLogonSessions, LsaGetLogonSessionData,
 * LsaFreeReturnBuffer) over an in-memory table, with control exports for the tests.
 *
 * Written from Microsoft Learn's pages (ntsecapi.h):
 * - "LsaEnumerateLogonSessions function": LogonSessionCount "receives the number of elements
 *   returned in the array"; LogonSessionList "receives the first element of an array of logon
 *   session identifiers. The memory used by the array is allocated by the LSA. When the array
 *   is no longer needed, call the LSAFreeReturnBuffer function to free it." Failure: "an
 *   NTSTATUS code indicating the reason".
 * - "LsaGetLogonSessionData function": the SECURITY_LOGON_SESSION_DATA "is allocated by the
 *   LSA" and freed with LsaFreeReturnBuffer; remarks: "To retrieve information about a logon
 *   session, the caller must be the owner of the session or a local system administrator."
 *   The page names no code for an unknown id or a refused caller: the stand-in answers
 *   STATUS_NO_SUCH_LOGON_SESSION and STATUS_ACCESS_DENIED (ntstatus.h's codes for those).
 *   "Owner" here: the caller's own logon session (stub_lsa_set_caller) has the same SID.
 * - "SECURITY_LOGON_SESSION_DATA structure": Size "The size of the structure, in bytes";
 *   the members from UserFlags on are not supported before Windows Vista (ntsecapi.h has them
 *   under _WIN32_WINNT >= 0x0600): stub_lsa_set_data_size(136) plays such a system, the
 *   buffer then holding only that much structure.
 * - "LsaFreeReturnBuffer function": "frees the memory used by a buffer previously allocated by
 *   the LSA". The page is silent on a pointer it never handed out; the stand-in counts double
 *   and foreign frees (and leaves the memory alone) and returns STATUS_INVALID_PARAMETER.
 * - "LSA_UNICODE_STRING structure": Length and MaximumLength in bytes, "Length does not
 *   include the terminating null character, if any". Strings are kept as UTF-16LE bytes, so
 *   they are Windows' strings on the Linux host too (whose wchar_t is 4 bytes).
 * - "LsaNtStatusToWinError function" (advapi32): exported here on the Linux host only (the
 *   host tier binds advapi32 to this library, as it binds kernel32 to the wtsapi32 stand-in);
 *   under Wine, Wine's own advapi32 answers. A status with no Win32 code gives
 *   ERROR_MR_MID_NOT_FOUND, as the page says.
 * The layout of every structure is checked by tests/test_declarations.py against win32metadata
 * and mingw-w64's ntsecapi.h (stubs/layout_secur32.c). */
#include "common/stubcommon.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef int32_t NTSTATUS_;

#define STATUS_SUCCESS_ 0
#define STATUS_ACCESS_DENIED_ ((NTSTATUS_)0xC0000022u)
#define STATUS_INVALID_PARAMETER_ ((NTSTATUS_)0xC000000Du)
#define STATUS_NO_MEMORY_ ((NTSTATUS_)0xC0000017u)
#define STATUS_NO_SUCH_LOGON_SESSION_ ((NTSTATUS_)0xC000005Fu)
#define STATUS_NOT_IMPLEMENTED_ ((NTSTATUS_)0xC0000002u)

/* ---- the structures, as ntsecapi.h declares them (own names: windows.h has LUID) ---- */
typedef struct s_LUID {
    uint32_t LowPart;
    int32_t HighPart;
} s_LUID;

typedef struct s_UNICODE_STRING {
    uint16_t Length;
    uint16_t MaximumLength;
    void *Buffer; /* PWSTR: UTF-16 code units on every platform */
} s_UNICODE_STRING;

typedef struct s_LSA_LAST_INTER_LOGON_INFO {
    int64_t LastSuccessfulLogon;
    int64_t LastFailedLogon;
    uint32_t FailedAttemptCountSinceLastSuccessfulLogon;
} s_LSA_LAST_INTER_LOGON_INFO;

typedef struct s_SECURITY_LOGON_SESSION_DATA {
    uint32_t Size;
    s_LUID LogonId;
    s_UNICODE_STRING UserName;
    s_UNICODE_STRING LogonDomain;
    s_UNICODE_STRING AuthenticationPackage;
    uint32_t LogonType;
    uint32_t Session;
    void *Sid;
    int64_t LogonTime;
    s_UNICODE_STRING LogonServer;
    s_UNICODE_STRING DnsDomainName;
    s_UNICODE_STRING Upn;
    uint32_t UserFlags;
    s_LSA_LAST_INTER_LOGON_INFO LastLogonInfo;
    s_UNICODE_STRING LogonScript;
    s_UNICODE_STRING ProfilePath;
    s_UNICODE_STRING HomeDirectory;
    s_UNICODE_STRING HomeDirectoryDrive;
    int64_t LogoffTime;
    int64_t KickOffTime;
    int64_t PasswordLastSet;
    int64_t PasswordCanChange;
    int64_t PasswordMustChange;
} s_SECURITY_LOGON_SESSION_DATA;

/* The string members, by the index the control exports use. */
enum {
    S_UserName, S_LogonDomain, S_AuthenticationPackage, S_LogonServer, S_DnsDomainName, S_Upn,
    S_LogonScript, S_ProfilePath, S_HomeDirectory, S_HomeDirectoryDrive, S_COUNT
};
static const size_t STRING_OFFSETS[S_COUNT] = {
    offsetof(s_SECURITY_LOGON_SESSION_DATA, UserName),
    offsetof(s_SECURITY_LOGON_SESSION_DATA, LogonDomain),
    offsetof(s_SECURITY_LOGON_SESSION_DATA, AuthenticationPackage),
    offsetof(s_SECURITY_LOGON_SESSION_DATA, LogonServer),
    offsetof(s_SECURITY_LOGON_SESSION_DATA, DnsDomainName),
    offsetof(s_SECURITY_LOGON_SESSION_DATA, Upn),
    offsetof(s_SECURITY_LOGON_SESSION_DATA, LogonScript),
    offsetof(s_SECURITY_LOGON_SESSION_DATA, ProfilePath),
    offsetof(s_SECURITY_LOGON_SESSION_DATA, HomeDirectory),
    offsetof(s_SECURITY_LOGON_SESSION_DATA, HomeDirectoryDrive),
};

/* ---- state: one lock guards all of it ---- */

typedef struct ustr {
    uint8_t *bytes; /* malloc'd UTF-16LE, or NULL (a NULL Buffer) */
    uint32_t nbytes;
    uint16_t length, maximum; /* what the answer says (may lie: hostile rows) */
} ustr;

typedef struct logon {
    s_LUID id;
    uint32_t type, session, user_flags, failed;
    int64_t logon_time, last_ok, last_failed, logoff, kickoff, pw_last, pw_can, pw_must;
    uint8_t sid[8 + 4 * 15 + 8]; /* room for a hostile sub-authority count too */
    uint32_t sid_len;
    ustr str[S_COUNT];
} logon;

enum { EV_FAIL, EV_VANISH };

/* Hostile modes: answers no correct LSA gives. Microsoft's pages are silent on all of them;
 * each stays on until stub_lsa_reset. */
enum {
    LSA_HOSTILE_NONE = 0,
    LSA_HOSTILE_COUNT = 1,     /* LsaEnumerateLogonSessions: the real list, count = arg */
    LSA_HOSTILE_NULL_LIST = 2, /* success, count = arg, list NULL */
    LSA_HOSTILE_NO_DATA = 3,   /* LsaGetLogonSessionData: success, *pp NULL */
};

static struct {
    stub_mutex lock;
    stub_tracker buffers;
    stub_schedule schedule;
    logon *rows;
    uint32_t nrows, cap;
    uint32_t calls;
    uint32_t data_size; /* 0: the whole structure */
    uint32_t unprivileged;
    int64_t caller; /* index of the caller's own logon session, or -1 */
    uint32_t hostile, hostile_arg;
    /* LsaGetLogonSessionData's lookup: an open-addressing table of row index + 1 (0: empty)
     * by LUID, rebuilt on the first query after the rows changed. Rows are added, then read
     * many times; a scan per query cost 5 * 10^7 comparisons for 10,000 sessions, more than
     * the callers' own work the benchmarks measure. */
    uint32_t *index;
    uint32_t index_cap; /* a power of two, at least twice nrows once built */
    int index_stale;
} g = {.lock = STUB_MUTEX_INIT, .caller = -1, .index_stale = 1};

static void free_row(logon *r)
{
    for (int i = 0; i < S_COUNT; i++)
        free(r->str[i].bytes);
}

static void remove_row(uint32_t index)
{
    if (index >= g.nrows)
        return;
    free_row(&g.rows[index]);
    memmove(&g.rows[index], &g.rows[index + 1], (g.nrows - index - 1) * sizeof(logon));
    g.nrows--;
    g.index_stale = 1;
    if (g.caller == (int64_t)index)
        g.caller = -1;
    else if (g.caller > (int64_t)index)
        g.caller--;
}

/* Counts the call and applies what was scheduled for it; 1 and *st when a failure decides. */
static int scheduled(NTSTATUS_ *st)
{
    stub_event ev;
    int decided = 0;
    g.calls++;
    while (stub_schedule_take(&g.schedule, g.calls, &ev)) {
        if (ev.kind == EV_VANISH) {
            remove_row(ev.args[0]);
        } else if (!decided) {
            decided = 1;
            *st = (NTSTATUS_)ev.args[0];
        }
    }
    return decided;
}

static int same_luid(const s_LUID *a, const s_LUID *b)
{
    return a->LowPart == b->LowPart && a->HighPart == b->HighPart;
}

static uint32_t luid_hash(const s_LUID *id, uint32_t mask)
{
    uint64_t key = ((uint64_t)(uint32_t)id->HighPart << 32) | id->LowPart;
    return (uint32_t)((key * 0x9E3779B97F4A7C15u) >> 32) & mask;
}

/* Rebuilds g.index over the rows; 0, or -1 when out of memory (the caller scans instead). The
 * first row of a LUID wins, as the scan's did. */
static int build_index(void)
{
    uint32_t cap = 16;
    while (cap < 2 * (uint64_t)g.nrows)
        cap *= 2;
    if (cap != g.index_cap) {
        uint32_t *slots = calloc(cap, sizeof *slots);
        if (slots == NULL)
            return -1;
        free(g.index);
        g.index = slots;
        g.index_cap = cap;
    } else {
        memset(g.index, 0, cap * sizeof *g.index);
    }
    for (uint32_t i = 0; i < g.nrows; i++) {
        uint32_t at = luid_hash(&g.rows[i].id, cap - 1);
        while (g.index[at] != 0 && !same_luid(&g.rows[g.index[at] - 1].id, &g.rows[i].id))
            at = (at + 1) & (cap - 1);
        if (g.index[at] == 0)
            g.index[at] = i + 1;
    }
    g.index_stale = 0;
    return 0;
}

static const logon *find_row(const s_LUID *id)
{
    if (!g.index_stale || build_index() == 0) {
        uint32_t at = luid_hash(id, g.index_cap - 1);
        for (; g.index[at] != 0; at = (at + 1) & (g.index_cap - 1))
            if (same_luid(&g.rows[g.index[at] - 1].id, id))
                return &g.rows[g.index[at] - 1];
        return NULL;
    }
    for (uint32_t i = 0; i < g.nrows; i++)
        if (same_luid(&g.rows[i].id, id))
            return &g.rows[i];
    return NULL;
}

/* The remarks' rule: the owner of the session, or an administrator. */
static int readable(const logon *r)
{
    if (!g.unprivileged)
        return 1;
    if (g.caller < 0 || (uint64_t)g.caller >= g.nrows)
        return 0;
    const logon *own = &g.rows[g.caller];
    return own->sid_len != 0 && own->sid_len == r->sid_len &&
           memcmp(own->sid, r->sid, r->sid_len) == 0;
}

/* ---- the API ---- */

STUB_API NTSTATUS_ WINAPI LsaEnumerateLogonSessions(uint32_t *LogonSessionCount,
                                                    s_LUID **LogonSessionList)
{
    NTSTATUS_ st = STATUS_SUCCESS_;
    stub_lock(&g.lock);
    if (scheduled(&st))
        goto done;
    if (LogonSessionCount == NULL || LogonSessionList == NULL) {
        st = STATUS_INVALID_PARAMETER_;
        goto done;
    }
    s_LUID *list = NULL;
    if (g.nrows > 0) {
        list = stub_track_alloc(&g.buffers, (size_t)g.nrows * sizeof(s_LUID));
        if (list == NULL) {
            st = STATUS_NO_MEMORY_;
            goto done;
        }
        for (uint32_t i = 0; i < g.nrows; i++)
            list[i] = g.rows[i].id;
    }
    *LogonSessionCount = g.nrows;
    *LogonSessionList = list;
    if (g.hostile == LSA_HOSTILE_COUNT) {
        *LogonSessionCount = g.hostile_arg;
    } else if (g.hostile == LSA_HOSTILE_NULL_LIST) {
        if (list != NULL)
            (void)stub_track_free(&g.buffers, list);
        *LogonSessionList = NULL;
        *LogonSessionCount = g.hostile_arg;
    }
done:
    stub_unlock(&g.lock);
    return st;
}

/* One tracked buffer: the structure (data_size bytes of it, rounded up to 8), the SID, then
 * the strings each followed by a NUL (which Length does not count). */
static s_SECURITY_LOGON_SESSION_DATA *pack(const logon *r)
{
    s_SECURITY_LOGON_SESSION_DATA d;
    size_t full = sizeof d;
    size_t size = g.data_size ? g.data_size : full;
    size_t head = ((size < full ? size : full) + 7) / 8 * 8;
    size_t total = head + r->sid_len + 8;
    for (int i = 0; i < S_COUNT; i++)
        total += r->str[i].nbytes + 2;
    uint8_t *buf = stub_track_alloc(&g.buffers, total);
    if (buf == NULL)
        return NULL;
    memset(buf, 0, total);
    memset(&d, 0, sizeof d);
    d.Size = (uint32_t)size;
    d.LogonId = r->id;
    d.LogonType = r->type;
    d.Session = r->session;
    d.LogonTime = r->logon_time;
    d.UserFlags = r->user_flags;
    d.LastLogonInfo.LastSuccessfulLogon = r->last_ok;
    d.LastLogonInfo.LastFailedLogon = r->last_failed;
    d.LastLogonInfo.FailedAttemptCountSinceLastSuccessfulLogon = r->failed;
    d.LogoffTime = r->logoff;
    d.KickOffTime = r->kickoff;
    d.PasswordLastSet = r->pw_last;
    d.PasswordCanChange = r->pw_can;
    d.PasswordMustChange = r->pw_must;
    uint8_t *at = buf + head;
    if (r->sid_len) {
        memcpy(at, r->sid, r->sid_len);
        d.Sid = at;
        at += r->sid_len;
    }
    at += (uintptr_t)at % 2;
    for (int i = 0; i < S_COUNT; i++) {
        const ustr *s = &r->str[i];
        s_UNICODE_STRING u = {s->length, s->maximum, NULL};
        if (s->bytes != NULL) {
            memcpy(at, s->bytes, s->nbytes);
            u.Buffer = at;
            at += s->nbytes + 2;
        }
        memcpy((uint8_t *)&d + STRING_OFFSETS[i], &u, sizeof u);
    }
    memcpy(buf, &d, size < full ? size : full);
    return (s_SECURITY_LOGON_SESSION_DATA *)(void *)buf;
}

STUB_API NTSTATUS_ WINAPI LsaGetLogonSessionData(s_LUID *LogonId,
                                                 s_SECURITY_LOGON_SESSION_DATA **ppLogonSessionData)
{
    NTSTATUS_ st = STATUS_SUCCESS_;
    stub_lock(&g.lock);
    if (scheduled(&st))
        goto done;
    if (LogonId == NULL || ppLogonSessionData == NULL) {
        st = STATUS_INVALID_PARAMETER_;
        goto done;
    }
    const logon *r = find_row(LogonId);
    if (r == NULL) {
        st = STATUS_NO_SUCH_LOGON_SESSION_;
    } else if (!readable(r)) {
        st = STATUS_ACCESS_DENIED_;
    } else if (g.hostile == LSA_HOSTILE_NO_DATA) {
        *ppLogonSessionData = NULL;
    } else if ((*ppLogonSessionData = pack(r)) == NULL) {
        st = STATUS_NO_MEMORY_;
    }
done:
    stub_unlock(&g.lock);
    return st;
}

STUB_API NTSTATUS_ WINAPI LsaFreeReturnBuffer(void *Buffer)
{
    NTSTATUS_ st = STATUS_SUCCESS_;
    if (Buffer == NULL)
        return STATUS_INVALID_PARAMETER_; /* the page is silent; nothing was handed out */
    stub_lock(&g.lock);
    if (stub_track_free(&g.buffers, Buffer) != STUB_FREE_OK)
        st = STATUS_INVALID_PARAMETER_;
    stub_unlock(&g.lock);
    return st;
}

/* sspi.h's InitSecurityInterfaceW, for a process that loads this stand-in as its secur32.dll:
 * pywin32's win32security imports it and calls it when the module is imported (the pywin32
 * page's examples and the benchmarks import it beside winsession). "InitSecurityInterfaceW
 * function": "If the function fails, the return value is NULL" -- this stand-in has no security
 * package, so it fails. */
STUB_API void *WINAPI InitSecurityInterfaceW(void)
{
    return NULL;
}

#ifndef _WIN32
/* advapi32's LsaNtStatusToWinError, for the Linux host (see the top of this file): the codes
 * RtlNtStatusToDosError gives for the statuses this stand-in returns. */
STUB_API uint32_t WINAPI LsaNtStatusToWinError(NTSTATUS_ Status)
{
    switch ((uint32_t)Status) {
    case 0: return 0;
    case 0xC0000022u: return 5;     /* ERROR_ACCESS_DENIED */
    case 0xC000000Du: return 87;    /* ERROR_INVALID_PARAMETER */
    case 0xC0000017u: return 8;     /* ERROR_NOT_ENOUGH_MEMORY */
    case 0xC000005Fu: return 1312;  /* ERROR_NO_SUCH_LOGON_SESSION */
    case 0xC0000002u: return 1;     /* ERROR_INVALID_FUNCTION */
    default: return 317;            /* ERROR_MR_MID_NOT_FOUND */
    }
}
#endif

/* ---- control exports (C calling convention) ---- */

STUB_API void stub_lsa_reset(void)
{
    stub_lock(&g.lock);
    for (uint32_t i = 0; i < g.nrows; i++)
        free_row(&g.rows[i]);
    g.nrows = 0;
    g.index_stale = 1;
    g.calls = 0;
    g.data_size = 0;
    g.unprivileged = 0;
    g.caller = -1;
    g.hostile = g.hostile_arg = 0;
    stub_schedule_clear(&g.schedule);
    stub_track_reset_counters(&g.buffers);
    stub_unlock(&g.lock);
}

/* Appends a logon session; its index, or -1. The SID is its binary form (sid_len bytes, at
 * most 76), NULL for none. */
STUB_API int32_t stub_lsa_add_session(uint32_t low, int32_t high, uint32_t type,
                                      uint32_t session, const uint8_t *sid, uint32_t sid_len,
                                      int64_t logon_time)
{
    int32_t index = -1;
    stub_lock(&g.lock);
    logon *grown = stub_grow(g.rows, &g.cap, g.nrows + 1, sizeof *grown);
    if (grown != NULL && sid_len <= sizeof grown->sid && (sid != NULL || sid_len == 0)) {
        g.rows = grown;
        logon *r = &g.rows[g.nrows];
        memset(r, 0, sizeof *r);
        r->id.LowPart = low;
        r->id.HighPart = high;
        r->type = type;
        r->session = session;
        r->logon_time = logon_time;
        if (sid_len)
            memcpy(r->sid, sid, sid_len);
        r->sid_len = sid_len;
        index = (int32_t)g.nrows++;
        g.index_stale = 1;
    }
    stub_unlock(&g.lock);
    return index;
}

/* Sets string member `field` (S_* order) of row `index` to nbytes of UTF-16LE; `length` and
 * `maximum` are what the answer says (-1: nbytes and nbytes + 2). bytes NULL: a NULL Buffer.
 * 0, or -1. */
STUB_API int32_t stub_lsa_set_string(uint32_t index, uint32_t field, const uint8_t *bytes,
                                     uint32_t nbytes, int32_t length, int32_t maximum)
{
    int32_t rc = -1;
    stub_lock(&g.lock);
    if (index < g.nrows && field < S_COUNT && nbytes <= 0xFFFF) {
        ustr *s = &g.rows[index].str[field];
        uint8_t *copy = NULL;
        if (bytes != NULL && (copy = malloc(nbytes ? nbytes : 1)) != NULL)
            memcpy(copy, bytes, nbytes);
        if (bytes == NULL || copy != NULL) {
            free(s->bytes);
            s->bytes = copy;
            s->nbytes = bytes != NULL ? nbytes : 0;
            s->length = (uint16_t)(length < 0 ? nbytes : (uint32_t)length);
            s->maximum = (uint16_t)(maximum < 0 ? nbytes + 2 : (uint32_t)maximum);
            rc = 0;
        }
    }
    stub_unlock(&g.lock);
    return rc;
}

/* The members from UserFlags on (times as FILETIME ticks). 0, or -1. */
STUB_API int32_t stub_lsa_set_extended(uint32_t index, uint32_t user_flags, int64_t last_ok,
                                       int64_t last_failed, uint32_t failed, int64_t logoff,
                                       int64_t kickoff, int64_t pw_last, int64_t pw_can,
                                       int64_t pw_must)
{
    int32_t rc = -1;
    stub_lock(&g.lock);
    if (index < g.nrows) {
        logon *r = &g.rows[index];
        r->user_flags = user_flags;
        r->last_ok = last_ok;
        r->last_failed = last_failed;
        r->failed = failed;
        r->logoff = logoff;
        r->kickoff = kickoff;
        r->pw_last = pw_last;
        r->pw_can = pw_can;
        r->pw_must = pw_must;
        rc = 0;
    }
    stub_unlock(&g.lock);
    return rc;
}

/* The Size every answer reports (0: the whole structure). A Size below the structure's is
 * an older Windows, the buffer holding only that much of it; above it, a lie. */
STUB_API void stub_lsa_set_data_size(uint32_t size)
{
    stub_lock(&g.lock);
    g.data_size = size;
    stub_unlock(&g.lock);
}

/* on = 0: the caller is not an administrator; it may read only sessions with the SID of
 * its own (stub_lsa_set_caller). */
STUB_API void stub_lsa_set_privileged(int32_t on)
{
    stub_lock(&g.lock);
    g.unprivileged = on == 0;
    stub_unlock(&g.lock);
}

STUB_API void stub_lsa_set_caller(int32_t index)
{
    stub_lock(&g.lock);
    g.caller = index;
    stub_unlock(&g.lock);
}

STUB_API void stub_lsa_fail_on_call(uint32_t call_no, int32_t status)
{
    stub_lock(&g.lock);
    (void)stub_schedule_add(&g.schedule, call_no, EV_FAIL, (uint32_t)status, 0);
    stub_unlock(&g.lock);
}

/* Just before call call_no (frees are not counted), row `index` ends: a logon session that
 * ends between the enumeration and its query. */
STUB_API void stub_lsa_vanish_on_call(uint32_t call_no, uint32_t index)
{
    stub_lock(&g.lock);
    (void)stub_schedule_add(&g.schedule, call_no, EV_VANISH, index, 0);
    stub_unlock(&g.lock);
}

STUB_API void stub_lsa_hostile(uint32_t mode, uint32_t arg)
{
    stub_lock(&g.lock);
    g.hostile = mode;
    g.hostile_arg = arg;
    stub_unlock(&g.lock);
}

STUB_TRACKER_EXPORTS(lsa, &g.lock, &g.buffers)

STUB_API uint32_t stub_lsa_calls(void) { return stub_locked_u32(&g.lock, &g.calls); }
STUB_API uint32_t stub_lsa_session_count(void) { return stub_locked_u32(&g.lock, &g.nrows); }

/* ---- layouts, for tests/test_declarations.py: 0 SECURITY_LOGON_SESSION_DATA,
 * 1 UNICODE_STRING, 2 LUID, 3 LSA_LAST_INTER_LOGON_INFO ---- */
#define O(T, m) (int32_t)offsetof(T, m)
static const int32_t OFFSETS_DATA[] = {
    O(s_SECURITY_LOGON_SESSION_DATA, Size), O(s_SECURITY_LOGON_SESSION_DATA, LogonId),
    O(s_SECURITY_LOGON_SESSION_DATA, UserName), O(s_SECURITY_LOGON_SESSION_DATA, LogonDomain),
    O(s_SECURITY_LOGON_SESSION_DATA, AuthenticationPackage),
    O(s_SECURITY_LOGON_SESSION_DATA, LogonType), O(s_SECURITY_LOGON_SESSION_DATA, Session),
    O(s_SECURITY_LOGON_SESSION_DATA, Sid), O(s_SECURITY_LOGON_SESSION_DATA, LogonTime),
    O(s_SECURITY_LOGON_SESSION_DATA, LogonServer),
    O(s_SECURITY_LOGON_SESSION_DATA, DnsDomainName), O(s_SECURITY_LOGON_SESSION_DATA, Upn),
    O(s_SECURITY_LOGON_SESSION_DATA, UserFlags),
    O(s_SECURITY_LOGON_SESSION_DATA, LastLogonInfo),
    O(s_SECURITY_LOGON_SESSION_DATA, LogonScript),
    O(s_SECURITY_LOGON_SESSION_DATA, ProfilePath),
    O(s_SECURITY_LOGON_SESSION_DATA, HomeDirectory),
    O(s_SECURITY_LOGON_SESSION_DATA, HomeDirectoryDrive),
    O(s_SECURITY_LOGON_SESSION_DATA, LogoffTime), O(s_SECURITY_LOGON_SESSION_DATA, KickOffTime),
    O(s_SECURITY_LOGON_SESSION_DATA, PasswordLastSet),
    O(s_SECURITY_LOGON_SESSION_DATA, PasswordCanChange),
    O(s_SECURITY_LOGON_SESSION_DATA, PasswordMustChange),
};
static const int32_t OFFSETS_USTR[] = {O(s_UNICODE_STRING, Length),
                                       O(s_UNICODE_STRING, MaximumLength),
                                       O(s_UNICODE_STRING, Buffer)};
static const int32_t OFFSETS_LUID[] = {O(s_LUID, LowPart), O(s_LUID, HighPart)};
static const int32_t OFFSETS_LAST[] = {
    O(s_LSA_LAST_INTER_LOGON_INFO, LastSuccessfulLogon),
    O(s_LSA_LAST_INTER_LOGON_INFO, LastFailedLogon),
    O(s_LSA_LAST_INTER_LOGON_INFO, FailedAttemptCountSinceLastSuccessfulLogon)};
static const struct {
    uint32_t size, n;
    const int32_t *offsets;
} LAYOUTS[] = {
    {sizeof(s_SECURITY_LOGON_SESSION_DATA), sizeof OFFSETS_DATA / sizeof(int32_t), OFFSETS_DATA},
    {sizeof(s_UNICODE_STRING), 3, OFFSETS_USTR},
    {sizeof(s_LUID), 2, OFFSETS_LUID},
    {sizeof(s_LSA_LAST_INTER_LOGON_INFO), 3, OFFSETS_LAST},
};

STUB_API uint32_t stub_lsa_struct_size(uint32_t which)
{
    return which < sizeof LAYOUTS / sizeof LAYOUTS[0] ? LAYOUTS[which].size : 0;
}

STUB_API int32_t stub_lsa_field_offset(uint32_t which, uint32_t field)
{
    if (which >= sizeof LAYOUTS / sizeof LAYOUTS[0] || field >= LAYOUTS[which].n)
        return -1;
    return LAYOUTS[which].offsets[field];
}
