/* netapi32 stand-in: NetSession* and NetApiBuffer* over an in-memory session table, with
 * control exports for the tests. The contract is stubs/README.md. lm.h is not included:
 * the same source builds on Linux, so the SESSION_INFO_* structures are declared here. */
#include "common/stubcommon.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

typedef uint32_t NET_API_STATUS;

/* lmerr.h and lmcons.h are not included anywhere; Win32 errors come from stubcommon.h. */
#define NERR_Success 0
#define NERR_UserNotFound 2221
#define NERR_ClientNameNotFound 2312
#define NERR_InvalidComputer 2351
#define MAX_PREFERRED_LENGTH 0xFFFFFFFFu

/* ---- SESSION_INFO_<level>: one field list per level drives both the declarations and
 * the table that fills, sizes and describes entries. X(level, kind, name) declares member
 * sesi<level>_<name>; kind STR is an LPWSTR, NUM a DWORD. ---- */
#define FIELDS_0(X, L) X(L, STR, cname)
#define FIELDS_1(X, L)                                                                     \
    FIELDS_0(X, L) X(L, STR, username) X(L, NUM, num_opens) X(L, NUM, time)                \
        X(L, NUM, idle_time) X(L, NUM, user_flags)
#define FIELDS_2(X, L) FIELDS_1(X, L) X(L, STR, cltype_name)
#define FIELDS_502(X, L) FIELDS_2(X, L) X(L, STR, transport)
#define FIELDS_10(X, L) FIELDS_0(X, L) X(L, STR, username) X(L, NUM, time) X(L, NUM, idle_time)

typedef wchar_t *sesi_STR; /* LPWSTR */
typedef uint32_t sesi_NUM; /* DWORD */

#define DECLARE_FIELD(L, kind, name) sesi_##kind sesi##L##_##name;
#define DECLARE_LEVEL(L)                                                                   \
    typedef struct _SESSION_INFO_##L {                                                     \
        FIELDS_##L(DECLARE_FIELD, L)                                                       \
    } SESSION_INFO_##L;                                                                    \
    /* Strings follow the structure array directly: its size must keep them aligned. */   \
    _Static_assert(sizeof(SESSION_INFO_##L) % _Alignof(wchar_t) == 0, "string alignment");
DECLARE_LEVEL(0)
DECLARE_LEVEL(1)
DECLARE_LEVEL(2)
DECLARE_LEVEL(10)
DECLARE_LEVEL(502)

/* A session's values, by kind; the names after the prefix are the members' suffixes. */
enum { STR_cname, STR_username, STR_cltype_name, STR_transport, STR_COUNT };
enum { NUM_num_opens, NUM_time, NUM_idle_time, NUM_user_flags, NUM_COUNT };
enum { K_STR, K_NUM };

typedef struct field_desc {
    uint8_t kind;   /* K_STR or K_NUM */
    uint8_t value;  /* STR_* or NUM_* */
    uint16_t offset;
} field_desc;

#define MAX_FIELDS 8
typedef struct level_desc {
    uint32_t level;
    uint32_t size;
    uint32_t nfields;
    field_desc fields[MAX_FIELDS];
} level_desc;

#define DESCRIBE_FIELD(L, kind, name)                                                      \
    {K_##kind, kind##_##name, (uint16_t)offsetof(SESSION_INFO_##L, sesi##L##_##name)},
#define COUNT_FIELD(L, kind, name) +1
#define DESCRIBE_LEVEL(L)                                                                  \
    {L, (uint32_t)sizeof(SESSION_INFO_##L), 0 FIELDS_##L(COUNT_FIELD, L),                  \
     {FIELDS_##L(DESCRIBE_FIELD, L)}},

static const level_desc LEVELS[] = {
    DESCRIBE_LEVEL(0) DESCRIBE_LEVEL(1) DESCRIBE_LEVEL(2) DESCRIBE_LEVEL(10) DESCRIBE_LEVEL(502)};

static const level_desc *find_level(uint32_t level)
{
    for (size_t i = 0; i < sizeof LEVELS / sizeof LEVELS[0]; i++)
        if (LEVELS[i].level == level)
            return &LEVELS[i];
    return NULL;
}

/* ---- state: one lock guards all of it ---- */

typedef struct session {
    uint32_t server; /* 0 = local, else 1 + index into servers */
    wchar_t *str[STR_COUNT]; /* malloc'd copies; NULL stays NULL in returned entries */
    uint32_t num[NUM_COUNT];
} session;

enum { EV_FAIL, EV_REMOVE, EV_STALL, EV_LAZY };

static struct {
    stub_mutex lock;
    stub_tracker buffers;
    stub_schedule schedule;
    stub_servers servers;
    session *sessions; /* the whole table, in order */
    uint32_t nsessions, sessions_cap;
    uint32_t remote_sessions; /* sessions of other servers than the local one */
    uint32_t calls;
    uint32_t last_prefmaxlen;
    uint32_t unprivileged; /* the caller is not in Administrators / Server Operators */
} g = {.lock = STUB_MUTEX_INIT};

/* "Only members of the Administrators or Server Operators local group can successfully
 * execute the NetSessionEnum [NetSessionGetInfo] function at level 1 or level 2. No special
 * group membership is required for level 0 or level 10 calls." (their remarks) */
static int level_denied(uint32_t level)
{
    return g.unprivileged && (level == 1 || level == 2);
}

static void free_session(session *s)
{
    for (int i = 0; i < STR_COUNT; i++)
        free(s->str[i]);
}

static int remove_session_at(uint32_t index)
{
    if (index >= g.nsessions)
        return -1;
    if (g.sessions[index].server != 0)
        g.remote_sessions--;
    free_session(&g.sessions[index]);
    memmove(&g.sessions[index], &g.sessions[index + 1],
            (g.nsessions - index - 1) * sizeof(session));
    g.nsessions--;
    return 0;
}

/* ---- entries ---- */

static size_t entry_size(const level_desc *d, const session *s)
{
    size_t bytes = d->size;
    for (uint32_t i = 0; i < d->nfields; i++) {
        const field_desc *f = &d->fields[i];
        if (f->kind == K_STR && s->str[f->value] != NULL)
            bytes += (stub_wlen(s->str[f->value]) + 1) * sizeof(wchar_t);
    }
    return bytes;
}

/* Writes one structure, its strings at *strings; advances *strings past them. */
static void fill_entry(const level_desc *d, const session *s, uint8_t *entry,
                       wchar_t **strings)
{
    for (uint32_t i = 0; i < d->nfields; i++) {
        const field_desc *f = &d->fields[i];
        if (f->kind == K_NUM) {
            memcpy(entry + f->offset, &s->num[f->value], sizeof(uint32_t));
            continue;
        }
        wchar_t *p = NULL;
        if (s->str[f->value] != NULL) {
            p = *strings;
            *strings = stub_wcopy(p, s->str[f->value]);
        }
        memcpy(entry + f->offset, &p, sizeof p);
    }
}

/* One tracked buffer of `bytes` (the sum of entry_size): n structures, then the strings. */
static uint8_t *pack(const level_desc *d, session *const *list, uint32_t n, size_t bytes)
{
    uint8_t *buf = stub_track_alloc(&g.buffers, bytes);
    if (buf == NULL)
        return NULL;
    wchar_t *strings = (wchar_t *)(void *)(buf + (size_t)n * d->size);
    for (uint32_t i = 0; i < n; i++)
        fill_entry(d, list[i], buf + (size_t)i * d->size, &strings);
    return buf;
}

/* ---- filters ---- */

typedef struct filter {
    uint32_t server;
    const wchar_t *client; /* NULL = any */
    const wchar_t *user;   /* NULL = any */
} filter;

/* Whether a server name (leading backslashes aside) holds a character no computer name may
 * hold. The three NetSession* pages list NERR_InvalidComputer, "The computer name is not
 * valid", without saying what is invalid; Microsoft's "Naming conventions in Active Directory
 * for computers, domains, sites, and OUs" lists the characters a NetBIOS computer name
 * disallows: \ / : * ? " < > | */
static int invalid_computer_name(const wchar_t *name)
{
    if (name == NULL)
        return 0;
    while (*name == L'\\')
        name++;
    for (; *name; name++)
        if (wcschr(L"\\/:*?\"<>|", *name) != NULL)
            return 1;
    return 0;
}

/* Checks and normalises the three name arguments every NetSession* call takes. */
static NET_API_STATUS make_filter(const wchar_t *servername, const wchar_t *client,
                                  const wchar_t *user, filter *f)
{
    if (invalid_computer_name(servername))
        return NERR_InvalidComputer;
    if (!stub_servers_find(&g.servers, servername, &f->server))
        return ERROR_BAD_NETPATH;
    if (!stub_wempty(client) && !(client[0] == L'\\' && client[1] == L'\\'))
        return ERROR_INVALID_PARAMETER;
    f->client = stub_wempty(client) ? NULL : client;
    f->user = stub_wempty(user) ? NULL : user;
    return NERR_Success;
}

static int client_matches(const session *s, const filter *f)
{
    return s->server == f->server &&
           (f->client == NULL || stub_wname_eq(s->str[STR_cname], f->client, 1));
}

static int matches(const session *s, const filter *f)
{
    return client_matches(s, f) &&
           (f->user == NULL || stub_wname_eq(s->str[STR_username], f->user, 0));
}

/* The status for a filter that selected nothing: which of its names is unknown. */
static NET_API_STATUS not_found(const filter *f)
{
    if (f->client == NULL)
        return NERR_UserNotFound;
    for (uint32_t i = 0; i < g.nsessions; i++)
        if (client_matches(&g.sessions[i], f))
            return NERR_UserNotFound;
    return NERR_ClientNameNotFound;
}

/* ---- scheduled events ---- */

typedef struct out_params {
    uint8_t **bufptr;
    uint32_t *entriesread, *totalentries;
} out_params;

/* Counts the call and applies what was scheduled for it: removals happen, and the first
 * fail/stall/lazy event decides the result (1, *status set) instead of the real call. */
static int scheduled_result(out_params out, NET_API_STATUS *status)
{
    stub_event ev;
    int decided = 0;
    g.calls++;
    while (stub_schedule_take(&g.schedule, g.calls, &ev)) {
        if (ev.kind == EV_REMOVE) {
            (void)remove_session_at(ev.args[0]);
            continue;
        }
        if (decided)
            continue;
        decided = 1;
        if (ev.kind == EV_FAIL) {
            *status = ev.args[0];
        } else if (ev.kind == EV_LAZY) {
            *status = NERR_Success;
        } else { /* EV_STALL: "more data" yet nothing, resume handle left alone */
            *status = ERROR_MORE_DATA;
            if (out.bufptr)
                *out.bufptr = NULL;
            if (out.entriesread)
                *out.entriesread = 0;
            if (out.totalentries)
                *out.totalentries = 0;
        }
    }
    return decided;
}

/* ---- the API ---- */

static NET_API_STATUS session_enum(const wchar_t *servername, const wchar_t *client,
                                   const wchar_t *user, uint32_t level, uint8_t **bufptr,
                                   uint32_t prefmaxlen, uint32_t *entriesread,
                                   uint32_t *totalentries, uint32_t *resume_handle)
{
    filter f;
    NET_API_STATUS st;
    if (bufptr == NULL || entriesread == NULL || totalentries == NULL)
        return ERROR_INVALID_PARAMETER;
    const level_desc *d = find_level(level);
    if (d == NULL)
        return ERROR_INVALID_LEVEL;
    if ((st = make_filter(servername, client, user, &f)) != NERR_Success)
        return st;
    if (level_denied(level))
        return ERROR_ACCESS_DENIED;

    /* One pass: count every match (for *totalentries) and collect only the entries of
     * this page, so a page of a huge table costs no table-sized allocation. */
    uint32_t start = resume_handle ? *resume_handle : 0;
    session **list = NULL;
    uint32_t nmatch = 0, n = 0, cap = 0;
    size_t bytes = 0;
    int full = 0;
    /* Unfiltered on a table of local sessions only, the matches are the table itself:
     * skip straight to the page (paging through 10^6 sessions stays linear). */
    int whole = f.server == 0 && f.client == NULL && f.user == NULL && g.remote_sessions == 0;
    uint32_t from = whole ? (start < g.nsessions ? start : g.nsessions) : 0;
    if (whole)
        nmatch = from;
    for (uint32_t i = from; i < g.nsessions; i++) {
        session *s = &g.sessions[i];
        if (!matches(s, &f))
            continue;
        if (nmatch++ < start || full)
            continue;
        size_t size = entry_size(d, s);
        /* At least one entry, however small prefmaxlen is (srvsvc does the same). */
        if (n > 0 && prefmaxlen != MAX_PREFERRED_LENGTH && bytes + size > prefmaxlen) {
            full = 1;
            if (whole) { /* every later session matches too */
                nmatch = g.nsessions;
                break;
            }
            continue;
        }
        session **grown = stub_grow(list, &cap, n + 1, sizeof *grown);
        if (grown == NULL) {
            free(list);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        list = grown;
        list[n++] = s;
        bytes += size;
    }
    if (nmatch == 0 && (f.client != NULL || f.user != NULL)) {
        free(list);
        return not_found(&f);
    }

    /* A resume handle past the end (the table shrank between pages) yields nothing. */
    uint32_t total = start < nmatch ? nmatch - start : 0;
    uint8_t *buf = NULL;
    if (n > 0 && (buf = pack(d, list, n, bytes)) == NULL) {
        free(list);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    free(list);

    int more = n < total;
    *bufptr = buf;
    *entriesread = n;
    *totalentries = total;
    if (resume_handle != NULL)
        *resume_handle = more ? start + n : 0;
    return more ? ERROR_MORE_DATA : NERR_Success;
}

STUB_API NET_API_STATUS WINAPI NetSessionEnum(wchar_t *servername, wchar_t *UncClientName,
                                              wchar_t *username, uint32_t level,
                                              uint8_t **bufptr, uint32_t prefmaxlen,
                                              uint32_t *entriesread, uint32_t *totalentries,
                                              uint32_t *resume_handle)
{
    NET_API_STATUS st;
    stub_lock(&g.lock);
    g.last_prefmaxlen = prefmaxlen;
    if (!scheduled_result((out_params){bufptr, entriesread, totalentries}, &st))
        st = session_enum(servername, UncClientName, username, level, bufptr, prefmaxlen,
                          entriesread, totalentries, resume_handle);
    stub_unlock(&g.lock);
    return st;
}

static NET_API_STATUS session_get_info(const wchar_t *servername, const wchar_t *client,
                                       const wchar_t *user, uint32_t level, uint8_t **bufptr)
{
    filter f;
    NET_API_STATUS st;
    if (bufptr == NULL)
        return ERROR_INVALID_PARAMETER;
    const level_desc *d = find_level(level);
    if (d == NULL || level == 502)
        return ERROR_INVALID_LEVEL;
    if ((st = make_filter(servername, client, user, &f)) != NERR_Success)
        return st;
    if (f.client == NULL || f.user == NULL)
        return ERROR_INVALID_PARAMETER;
    if (level_denied(level))
        return ERROR_ACCESS_DENIED;
    for (uint32_t i = 0; i < g.nsessions; i++) {
        session *s = &g.sessions[i];
        if (matches(s, &f)) {
            uint8_t *buf = pack(d, &s, 1, entry_size(d, s));
            if (buf == NULL)
                return ERROR_NOT_ENOUGH_MEMORY;
            *bufptr = buf;
            return NERR_Success;
        }
    }
    return not_found(&f);
}

STUB_API NET_API_STATUS WINAPI NetSessionGetInfo(wchar_t *servername, wchar_t *UncClientName,
                                                 wchar_t *username, uint32_t level,
                                                 uint8_t **bufptr)
{
    NET_API_STATUS st;
    stub_lock(&g.lock);
    if (!scheduled_result((out_params){bufptr, NULL, NULL}, &st))
        st = session_get_info(servername, UncClientName, username, level, bufptr);
    stub_unlock(&g.lock);
    return st;
}

static NET_API_STATUS session_del(const wchar_t *servername, const wchar_t *client,
                                  const wchar_t *user)
{
    filter f;
    NET_API_STATUS st;
    if ((st = make_filter(servername, client, user, &f)) != NERR_Success)
        return st;
    if (f.client == NULL && f.user == NULL)
        return ERROR_INVALID_PARAMETER;
    /* "Only members of the Administrators or Server Operators local group can successfully
     * execute the NetSessionDel function." (its remarks) */
    if (g.unprivileged)
        return ERROR_ACCESS_DENIED;
    /* Both names: the first matching session; one name: every session it matches. */
    int only_first = f.client != NULL && f.user != NULL;
    uint32_t deleted = 0;
    for (uint32_t i = 0; i < g.nsessions;) {
        if (!matches(&g.sessions[i], &f)) {
            i++;
            continue;
        }
        remove_session_at(i);
        deleted++;
        if (only_first)
            break;
    }
    /* NetSessionDel's page lists NERR_ClientNameNotFound ("A session does not exist with that
     * computer name") and, unlike NetSessionEnum's and NetSessionGetInfo's, not
     * NERR_UserNotFound: whichever name selected nothing, that is the status. */
    return deleted ? NERR_Success : NERR_ClientNameNotFound;
}

STUB_API NET_API_STATUS WINAPI NetSessionDel(wchar_t *servername, wchar_t *UncClientName,
                                             wchar_t *username)
{
    NET_API_STATUS st;
    stub_lock(&g.lock);
    if (!scheduled_result((out_params){NULL, NULL, NULL}, &st))
        st = session_del(servername, UncClientName, username);
    stub_unlock(&g.lock);
    return st;
}

/* ---- NetApiBuffer* ---- */

STUB_API NET_API_STATUS WINAPI NetApiBufferAllocate(uint32_t ByteCount, void **Buffer)
{
    if (Buffer == NULL)
        return ERROR_INVALID_PARAMETER;
    stub_lock(&g.lock);
    void *p = stub_track_alloc(&g.buffers, ByteCount);
    stub_unlock(&g.lock);
    if (p == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    *Buffer = p;
    return NERR_Success;
}

STUB_API NET_API_STATUS WINAPI NetApiBufferFree(void *Buffer)
{
    if (Buffer == NULL)
        return NERR_Success;
    stub_lock(&g.lock);
    stub_free_result r = stub_track_free(&g.buffers, Buffer);
    stub_unlock(&g.lock);
    return r == STUB_FREE_OK ? NERR_Success : ERROR_INVALID_PARAMETER;
}

static NET_API_STATUS buffer_reallocate(void *old, uint32_t count, void **out)
{
    size_t size;
    void *p;
    if (old == NULL) {
        p = stub_track_alloc(&g.buffers, count);
    } else if (!stub_track_size(&g.buffers, old, &size)) {
        /* Not live: counted as a double or foreign free; memory is left alone. */
        (void)stub_track_free(&g.buffers, old);
        return ERROR_INVALID_PARAMETER;
    } else if (count == 0) { /* as on Windows: frees the buffer and hands back NULL */
        (void)stub_track_free(&g.buffers, old);
        *out = NULL;
        return NERR_Success;
    } else {
        p = stub_track_realloc(&g.buffers, old, count);
    }
    if (p == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    *out = p;
    return NERR_Success;
}

STUB_API NET_API_STATUS WINAPI NetApiBufferReallocate(void *OldBuffer, uint32_t NewByteCount,
                                                      void **NewBuffer)
{
    if (NewBuffer == NULL)
        return ERROR_INVALID_PARAMETER;
    stub_lock(&g.lock);
    NET_API_STATUS st = buffer_reallocate(OldBuffer, NewByteCount, NewBuffer);
    stub_unlock(&g.lock);
    return st;
}

STUB_API NET_API_STATUS WINAPI NetApiBufferSize(void *Buffer, uint32_t *ByteCount)
{
    size_t size;
    if (Buffer == NULL || ByteCount == NULL)
        return ERROR_INVALID_PARAMETER;
    stub_lock(&g.lock);
    int live = stub_track_size(&g.buffers, Buffer, &size);
    stub_unlock(&g.lock);
    if (!live)
        return ERROR_INVALID_PARAMETER;
    *ByteCount = (uint32_t)size;
    return NERR_Success;
}

/* ---- control exports (C calling convention) ---- */

STUB_API void stub_net_reset(void)
{
    stub_lock(&g.lock);
    for (uint32_t i = 0; i < g.nsessions; i++)
        free_session(&g.sessions[i]);
    stub_servers_clear(&g.servers);
    g.nsessions = 0;
    g.remote_sessions = 0;
    g.calls = g.last_prefmaxlen = 0;
    g.unprivileged = 0;
    stub_schedule_clear(&g.schedule);
    stub_track_reset_counters(&g.buffers);
    stub_unlock(&g.lock);
}

STUB_API void stub_net_set_privileged(int32_t on)
{
    stub_lock(&g.lock);
    g.unprivileged = on == 0;
    stub_unlock(&g.lock);
}

STUB_API int32_t stub_net_add_server(const wchar_t *name)
{
    return stub_servers_add_locked(&g.lock, &g.servers, name);
}

static int32_t add_session(const wchar_t *server, const wchar_t *const str[STR_COUNT],
                           const uint32_t num[NUM_COUNT])
{
    session s = {0};
    int64_t id = stub_servers_add(&g.servers, server);
    session *grown = stub_grow(g.sessions, &g.sessions_cap, g.nsessions + 1, sizeof *grown);
    if (id < 0 || grown == NULL)
        return -1;
    g.sessions = grown;
    s.server = (uint32_t)id;
    memcpy(s.num, num, sizeof s.num);
    for (int i = 0; i < STR_COUNT; i++) {
        if (str[i] != NULL && (s.str[i] = stub_wdup(str[i])) == NULL) {
            free_session(&s);
            return -1;
        }
    }
    g.sessions[g.nsessions++] = s;
    g.remote_sessions += s.server != 0;
    return (int32_t)g.nsessions;
}

STUB_API int32_t stub_net_add_session(const wchar_t *server, const wchar_t *cname,
                                      const wchar_t *username, uint32_t num_opens,
                                      uint32_t time, uint32_t idle_time, uint32_t user_flags,
                                      const wchar_t *cltype_name, const wchar_t *transport)
{
    const wchar_t *const str[STR_COUNT] = {[STR_cname] = cname, [STR_username] = username,
                                           [STR_cltype_name] = cltype_name,
                                           [STR_transport] = transport};
    const uint32_t num[NUM_COUNT] = {[NUM_num_opens] = num_opens, [NUM_time] = time,
                                     [NUM_idle_time] = idle_time, [NUM_user_flags] = user_flags};
    stub_lock(&g.lock);
    int32_t count = add_session(server, str, num);
    stub_unlock(&g.lock);
    return count;
}

/* L"<prefix><n>" into out (room for the prefix, 10 digits and the NUL). */
static void synth_name(wchar_t *out, const wchar_t *prefix, uint32_t n)
{
    wchar_t digits[10];
    int nd = 0;
    while (*prefix)
        *out++ = *prefix++;
    do {
        digits[nd++] = (wchar_t)(L'0' + n % 10);
        n /= 10;
    } while (n);
    while (nd)
        *out++ = digits[--nd];
    *out = 0;
}

/* Synthetic sessions for scale tests and benchmarks: session i (its index in the table)
 * has client \\C<i>, user u<i>, num_opens i%8, time i, idle_time i%3600, user_flags i%4,
 * client type "Windows 10 Enterprise", transport \Device\NetbiosSmb, on the local server. */
STUB_API int32_t stub_net_add_sessions_bulk(uint32_t count)
{
    static const wchar_t cltype[] = L"Windows 10 Enterprise";
    static const wchar_t transport[] = L"\\Device\\NetbiosSmb";
    wchar_t cname[16], user[16];
    const wchar_t *const str[STR_COUNT] = {[STR_cname] = cname, [STR_username] = user,
                                           [STR_cltype_name] = cltype,
                                           [STR_transport] = transport};
    int32_t result = 0;
    stub_lock(&g.lock);
    session *grown = g.sessions;
    if (count > UINT32_MAX - g.nsessions)
        result = -1;
    else if (count > 0 && (grown = stub_grow(g.sessions, &g.sessions_cap, g.nsessions + count,
                                             sizeof *grown)) == NULL)
        result = -1;
    else
        g.sessions = grown; /* room for all: add_session below never reallocates */
    for (uint32_t k = 0; result >= 0 && k < count; k++) {
        uint32_t i = g.nsessions;
        const uint32_t num[NUM_COUNT] = {[NUM_num_opens] = i % 8, [NUM_time] = i,
                                         [NUM_idle_time] = i % 3600, [NUM_user_flags] = i % 4};
        synth_name(cname, L"\\\\C", i);
        synth_name(user, L"u", i);
        result = add_session(NULL, str, num);
    }
    if (result >= 0)
        result = (int32_t)g.nsessions;
    stub_unlock(&g.lock);
    return result;
}

STUB_API int32_t stub_net_remove_session(uint32_t index)
{
    stub_lock(&g.lock);
    int r = remove_session_at(index);
    stub_unlock(&g.lock);
    return r;
}

static void schedule(uint32_t call_no, uint32_t kind, uint32_t arg)
{
    stub_lock(&g.lock);
    /* Past STUB_MAX_EVENTS pending events the new one is dropped: these return void. */
    (void)stub_schedule_add(&g.schedule, call_no, kind, arg, 0);
    stub_unlock(&g.lock);
}

STUB_API void stub_net_fail_on_call(uint32_t call_no, uint32_t status)
{
    schedule(call_no, EV_FAIL, status);
}

STUB_API void stub_net_remove_on_call(uint32_t call_no, uint32_t index)
{
    schedule(call_no, EV_REMOVE, index);
}

STUB_API void stub_net_stall_on_call(uint32_t call_no)
{
    schedule(call_no, EV_STALL, 0);
}

STUB_API void stub_net_lazy_on_call(uint32_t call_no)
{
    schedule(call_no, EV_LAZY, 0);
}

static uint32_t read_u32(const uint32_t *counter)
{
    return stub_locked_u32(&g.lock, counter);
}

STUB_API uint32_t stub_net_session_count(void) { return read_u32(&g.nsessions); }
STUB_API uint32_t stub_net_calls(void) { return read_u32(&g.calls); }
STUB_API uint32_t stub_net_last_prefmaxlen(void) { return read_u32(&g.last_prefmaxlen); }
STUB_TRACKER_EXPORTS(net, &g.lock, &g.buffers)

STUB_API uint32_t stub_net_struct_size(uint32_t level)
{
    const level_desc *d = find_level(level);
    return d ? d->size : 0;
}

STUB_API int32_t stub_net_field_offset(uint32_t level, uint32_t field)
{
    const level_desc *d = find_level(level);
    return d && field < d->nfields ? d->fields[field].offset : -1;
}
