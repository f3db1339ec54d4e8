/* netapi32 stand-in: NetSession*, NetFile*, NetConnectionEnum and NetApiBuffer* over
 * in-memory tables of sessions, open files and connections, with control exports for the
 * tests. The contract is stubs/README.md. lm.h is not included:
 * the same source builds on Linux, so the SESSION_INFO_* structures are declared here. */
#include "common/stubcommon.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

typedef uint32_t NET_API_STATUS;

/* lmerr.h and lmcons.h are not included anywhere; Win32 errors come from stubcommon.h. */
#define NERR_Success 0
#define NERR_UserNotFound 2221
#define NERR_ClientNameNotFound 2312
#define NERR_InvalidComputer 2351
#define ERROR_FILE_NOT_FOUND_ 2 /* winerror.h's name; stubcommon.h may not define it */
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

enum { EV_FAIL, EV_REMOVE, EV_STALL, EV_LAZY, EV_REMOVE_FILE, EV_ADD };

/* ---- FILE_INFO_2/3 and CONNECTION_INFO_0/1, as lmshare.h declares them ---- */
typedef struct _FILE_INFO_2 {
    uint32_t fi2_id;
} FILE_INFO_2;
typedef struct _FILE_INFO_3 {
    uint32_t fi3_id;
    uint32_t fi3_permissions;
    uint32_t fi3_num_locks;
    wchar_t *fi3_pathname;
    wchar_t *fi3_username;
} FILE_INFO_3;
typedef struct _CONNECTION_INFO_0 {
    uint32_t coni0_id;
} CONNECTION_INFO_0;
typedef struct _CONNECTION_INFO_1 {
    uint32_t coni1_id;
    uint32_t coni1_type;
    uint32_t coni1_num_opens;
    uint32_t coni1_num_users;
    uint32_t coni1_time;
    wchar_t *coni1_username;
    wchar_t *coni1_netname;
} CONNECTION_INFO_1;
_Static_assert(sizeof(FILE_INFO_2) % _Alignof(wchar_t) == 0, "string alignment");
_Static_assert(sizeof(FILE_INFO_3) % _Alignof(wchar_t) == 0, "string alignment");
_Static_assert(sizeof(CONNECTION_INFO_0) % _Alignof(wchar_t) == 0, "string alignment");
_Static_assert(sizeof(CONNECTION_INFO_1) % _Alignof(wchar_t) == 0, "string alignment");

typedef struct open_file {
    uint32_t server, id, permissions, num_locks;
    wchar_t *path, *user, *client; /* malloc'd; the client ties it to a session */
} open_file;

typedef struct connection {
    uint32_t server, id, type, num_opens, num_users, time;
    wchar_t *share, *client, *user;
} connection;

/* Hostile modes (issue 11): answers no documented netapi32 gives, which a broken or malicious
 * server relayed by the RPC layer, or a planted DLL, could. Microsoft's pages are silent on
 * all of them (they document what a correct implementation returns); each stays on until
 * stub_net_reset. See stubs/README.md, "Hostile modes". */
enum {
    HOSTILE_NONE = 0,
    HOSTILE_NULL_BUFFER = 1,  /* success with *bufptr NULL and *entriesread = arg */
    HOSTILE_COUNT_OVER = 2,   /* the real page, *entriesread raised by arg: past the buffer */
    HOSTILE_SPIN = 3,         /* ERROR_MORE_DATA, no entries, resume handle + 1 every call */
    HOSTILE_REPEAT = 4,       /* the page at the resume handle, handle left unchanged, MORE_DATA */
    HOSTILE_SHORT_BUFFER = 5, /* the buffer shrunk to arg bytes (structures cut off) */
    HOSTILE_NULL_AND_BELOW = 6, /* every cname NULL but entry arg % n's: 2 bytes before the buffer */
    HOSTILE_UNTERMINATED = 7, /* the buffer's last wchar_t (the last string's NUL) made L'A' */
    HOSTILE_MISALIGNED = 8,   /* entry arg % n's cname one byte on: between two wchar_t */
};

static struct {
    stub_mutex lock;
    stub_tracker buffers;
    stub_schedule schedule;
    stub_servers servers;
    session *sessions; /* the whole table, in order */
    uint32_t nsessions, sessions_cap;
    open_file *files;
    uint32_t nfiles, files_cap;
    uint32_t remote_files; /* files of other servers than the local one */
    connection *conns;
    uint32_t nconns, conns_cap;
    uint32_t remote_sessions; /* sessions of other servers than the local one */
    uint32_t calls;
    uint32_t last_prefmaxlen;
    uint32_t unprivileged; /* the caller is not in Administrators / Server Operators */
    uint32_t hostile, hostile_arg;
    uint32_t delay_ms[STUB_MAX_DELAYS]; /* test-only, per server id: see stubcommon.h */
} g = {.lock = STUB_MUTEX_INIT};

/* Called with the lock held at the start of the NetSession* exports: the test-only delay of
 * servername (none for unknown servers: they fail at once, as unreachable ones). */
static void delay_call(const wchar_t *servername)
{
    uint32_t id;
    if (stub_servers_find(&g.servers, servername, &id))
        stub_delay_server(&g.lock, g.delay_ms, id);
}

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

static void free_file(open_file *f)
{
    free(f->path);
    free(f->user);
    free(f->client);
}

static void free_conn(connection *c)
{
    free(c->share);
    free(c->client);
    free(c->user);
}

static int remove_file_at(uint32_t index)
{
    if (index >= g.nfiles)
        return -1;
    if (g.files[index].server != 0)
        g.remote_files--;
    free_file(&g.files[index]);
    memmove(&g.files[index], &g.files[index + 1], (g.nfiles - index - 1) * sizeof(open_file));
    g.nfiles--;
    return 0;
}

/* Closing a session closes its opens and disconnects its tree connects (MS-SMB2 3.3.4.12,
 * "Server Application Requests Closing a Session": "MUST close every Open in
 * Session.OpenTable ... MUST disconnect every TreeConnect"). A file or connection belongs to
 * the session of the same server, client and user. */
static void drop_owned(const session *s)
{
    uint32_t kept = 0;
    for (uint32_t i = 0; i < g.nfiles; i++) {
        open_file *f = &g.files[i];
        if (f->server == s->server && stub_wname_eq(f->client, s->str[STR_cname], 1) &&
            stub_wname_eq(f->user, s->str[STR_username], 0)) {
            if (f->server != 0)
                g.remote_files--;
            free_file(f);
        } else {
            g.files[kept++] = *f;
        }
    }
    g.nfiles = kept;
    kept = 0;
    for (uint32_t i = 0; i < g.nconns; i++) {
        connection *c = &g.conns[i];
        if (c->server == s->server && stub_wname_eq(c->client, s->str[STR_cname], 1) &&
            stub_wname_eq(c->user, s->str[STR_username], 0))
            free_conn(c);
        else
            g.conns[kept++] = *c;
    }
    g.nconns = kept;
}

static int remove_session_at(uint32_t index)
{
    if (index >= g.nsessions)
        return -1;
    drop_owned(&g.sessions[index]);
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
static uint8_t *pack(const level_desc *d, const void *const *list, uint32_t n, size_t bytes)
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

static int32_t add_bulk(uint32_t count); /* with the lock held; see stub_net_add_sessions_bulk */

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
        if (ev.kind == EV_REMOVE_FILE) {
            (void)remove_file_at(ev.args[0]);
            continue;
        }
        if (ev.kind == EV_ADD) {
            (void)add_bulk(ev.args[0]);
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

/* ---- paging, as the three enumerations share it ---- */

/* A table as an enumeration pages through it: `count` rows of `row_size` bytes at `rows`;
 * `match` says whether a row passes the call's filter, `size` how many bytes its entry takes
 * in the answer (structure and strings). `whole`: nothing is filtered out, so the
 * `start`-th match is the `start`-th row (paging through 10^6 rows stays linear). */
typedef struct table_view {
    const void *rows;
    uint32_t count;
    size_t row_size;
    int (*match)(const void *row, const void *filter);
    size_t (*size)(const void *row, const void *level);
    const void *filter, *level;
    int whole;
} table_view;

/* One page: the rows from the `start`-th match on that fit in `prefmaxlen` bytes (at least
 * one, however small prefmaxlen is: srvsvc does the same), and how many rows match in all.
 * One pass, and only this page's rows are collected: a page of a huge table costs no
 * table-sized allocation. `list` is malloc'd (or NULL). */
typedef struct page {
    const void **list;
    uint32_t n, nmatch;
    size_t bytes;
} page;

static NET_API_STATUS select_page(const table_view *t, uint32_t start, uint32_t prefmaxlen,
                                  page *out)
{
    uint32_t cap = 0;
    int full = 0;
    uint32_t from = t->whole ? (start < t->count ? start : t->count) : 0;
    *out = (page){NULL, 0, t->whole ? from : 0, 0};
    for (uint32_t i = from; i < t->count; i++) {
        const void *row = (const uint8_t *)t->rows + (size_t)i * t->row_size;
        if (!t->match(row, t->filter))
            continue;
        if (out->nmatch++ < start || full)
            continue;
        size_t size = t->size(row, t->level);
        if (out->n > 0 && prefmaxlen != MAX_PREFERRED_LENGTH && out->bytes + size > prefmaxlen) {
            full = 1;
            if (t->whole) { /* every later row matches too */
                out->nmatch = t->count;
                break;
            }
            continue;
        }
        const void **grown = stub_grow(out->list, &cap, out->n + 1, sizeof *grown);
        if (grown == NULL) {
            free(out->list);
            out->list = NULL;
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        out->list = grown;
        out->list[out->n++] = row;
        out->bytes += size;
    }
    return NERR_Success;
}

/* The out-parameters for page `pg` of an enumeration that began at `start`, in `buf` (which
 * the caller packed, or NULL for an empty page); frees the page's list. `*next` is the
 * resume handle to hand back: 0 when no more follow (the export writes it in its width). */
static NET_API_STATUS finish_page(page *pg, uint32_t start, uint8_t *buf, uint8_t **bufptr,
                                  uint32_t *entriesread, uint32_t *totalentries, uint64_t *next)
{
    /* A resume handle past the end (the table shrank between pages) yields nothing. */
    uint32_t total = start < pg->nmatch ? pg->nmatch - start : 0;
    int more = pg->n < total;
    free(pg->list);
    pg->list = NULL;
    *bufptr = buf;
    *entriesread = pg->n;
    *totalentries = total;
    *next = more ? start + pg->n : 0;
    return more ? ERROR_MORE_DATA : NERR_Success;
}

static int session_row_matches(const void *row, const void *f)
{
    return matches(row, f);
}

static size_t session_row_size(const void *row, const void *d)
{
    return entry_size(d, row);
}

/* ---- the API ---- */

static NET_API_STATUS session_enum(const wchar_t *servername, const wchar_t *client,
                                   const wchar_t *user, uint32_t level, uint8_t **bufptr,
                                   uint32_t prefmaxlen, uint32_t *entriesread,
                                   uint32_t *totalentries, uint64_t start, uint64_t *next)
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

    /* Unfiltered on a table of local sessions only, the matches are the table itself. */
    int whole = f.server == 0 && f.client == NULL && f.user == NULL && g.remote_sessions == 0;
    table_view t = {g.sessions, g.nsessions, sizeof *g.sessions, session_row_matches,
                    session_row_size, &f, d, whole};
    page pg;
    if ((st = select_page(&t, (uint32_t)start, prefmaxlen, &pg)) != NERR_Success)
        return st;
    if (pg.nmatch == 0 && (f.client != NULL || f.user != NULL)) {
        free(pg.list);
        return not_found(&f);
    }
    uint8_t *buf = NULL;
    if (pg.n > 0 && (buf = pack(d, pg.list, pg.n, pg.bytes)) == NULL) {
        free(pg.list);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    return finish_page(&pg, (uint32_t)start, buf, bufptr, entriesread, totalentries, next);
}

/* Where an answer's structures hold a string pointer that HOSTILE_NULL_AND_BELOW rewrites
 * (`stride` 0: a level without strings). */
typedef struct string_field {
    size_t stride, offset;
} string_field;

static string_field session_string(uint32_t level)
{
    /* Every level's structure starts with its cname pointer (sesi0/1/2/10/502_cname). */
    const level_desc *d = find_level(level);
    return (string_field){d != NULL ? d->size : 0, 0};
}

/* Rewrites a real answer the hostile way (the lock is held). For HOSTILE_REPEAT it sets
 * *rewind: the caller puts its resume handle (a DWORD or, for NetFileEnum, pointer-sized)
 * back where it was; `rewind` NULL for the GetInfo calls, which have none. */
static NET_API_STATUS hostile_answer(NET_API_STATUS st, uint8_t **bufptr, uint32_t *entriesread,
                                     int *rewind, string_field field)
{
    size_t size = 0;
    uint32_t n = entriesread != NULL ? *entriesread : 1;
    if (st != NERR_Success && st != ERROR_MORE_DATA)
        return st;
    switch (g.hostile) {
    case HOSTILE_NULL_BUFFER:
        if (*bufptr != NULL)
            (void)stub_track_free(&g.buffers, *bufptr);
        *bufptr = NULL;
        if (entriesread != NULL)
            *entriesread = g.hostile_arg;
        return NERR_Success;
    case HOSTILE_COUNT_OVER:
        if (entriesread != NULL && *bufptr != NULL)
            *entriesread += g.hostile_arg;
        return st;
    case HOSTILE_REPEAT:
        if (rewind == NULL || entriesread == NULL || *entriesread == 0)
            return st;
        *rewind = 1;
        return ERROR_MORE_DATA;
    case HOSTILE_SHORT_BUFFER:
        if (*bufptr != NULL) {
            uint8_t *p = stub_track_realloc(&g.buffers, *bufptr, g.hostile_arg ? g.hostile_arg : 1);
            if (p != NULL)
                *bufptr = p;
        }
        return st;
    case HOSTILE_NULL_AND_BELOW:
        if (*bufptr != NULL && field.stride != 0 && n > 0) {
            for (uint32_t i = 0; i < n; i++) {
                uint8_t *p = i == g.hostile_arg % n ? *bufptr - 2 : NULL;
                memcpy(*bufptr + (size_t)i * field.stride + field.offset, &p, sizeof p);
            }
        }
        return st;
    case HOSTILE_MISALIGNED:
        if (*bufptr != NULL && field.stride != 0 && n > 0) {
            uint8_t *at = *bufptr + (size_t)(g.hostile_arg % n) * field.stride + field.offset, *p;
            memcpy(&p, at, sizeof p);
            if (p != NULL)
                p += 1;
            memcpy(at, &p, sizeof p);
        }
        return st;
    case HOSTILE_UNTERMINATED:
        if (*bufptr != NULL && stub_track_size(&g.buffers, *bufptr, &size) && size >= 2) {
            wchar_t a = L'A';
            memcpy(*bufptr + size - sizeof a, &a, sizeof a);
        }
        return st;
    default:
        return st;
    }
}

/* What the three enumerations (NetSessionEnum, NetFileEnum, NetConnectionEnum) answer
 * before their page is made, the lock held: a scheduled answer, or HOSTILE_SPIN's "more
 * data" with no buffer, no entries and the resume handle moved on by one. 1 when the answer
 * is decided (*st). `before` is the call's resume handle, `*next` the one to hand back. */
static int enum_decided(uint8_t **bufptr, uint32_t *entriesread, uint32_t *totalentries,
                        uint64_t before, uint64_t *next, NET_API_STATUS *st)
{
    *next = before;
    if (scheduled_result((out_params){bufptr, entriesread, totalentries}, st))
        return 1;
    if (g.hostile != HOSTILE_SPIN || !bufptr || !entriesread || !totalentries)
        return 0;
    *bufptr = NULL;
    *entriesread = *totalentries = 0;
    *next = before + 1;
    *st = ERROR_MORE_DATA;
    return 1;
}

/* The hostile modes applied to an enumeration's real page: the buffer lies (`field`: its
 * structures' first string) and HOSTILE_REPEAT, which hands back the handle it was given. */
static NET_API_STATUS enum_lies(NET_API_STATUS st, uint8_t **bufptr, uint32_t *entriesread,
                                string_field field, uint64_t before, uint64_t *next)
{
    int rewind = 0;
    if (g.hostile == HOSTILE_NONE || bufptr == NULL)
        return st;
    st = hostile_answer(st, bufptr, entriesread, &rewind, field);
    if (rewind)
        *next = before;
    return st;
}

STUB_API NET_API_STATUS WINAPI NetSessionEnum(wchar_t *servername, wchar_t *UncClientName,
                                              wchar_t *username, uint32_t level,
                                              uint8_t **bufptr, uint32_t prefmaxlen,
                                              uint32_t *entriesread, uint32_t *totalentries,
                                              uint32_t *resume_handle)
{
    NET_API_STATUS st;
    stub_lock(&g.lock);
    delay_call(servername);
    g.last_prefmaxlen = prefmaxlen;
    uint64_t before = resume_handle != NULL ? *resume_handle : 0, next;
    if (!enum_decided(bufptr, entriesread, totalentries, before, &next, &st)) {
        st = session_enum(servername, UncClientName, username, level, bufptr, prefmaxlen,
                          entriesread, totalentries, before, &next);
        st = enum_lies(st, bufptr, entriesread, session_string(level), before, &next);
    }
    if (resume_handle != NULL)
        *resume_handle = (uint32_t)next;
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
            const void *row = s;
            uint8_t *buf = pack(d, &row, 1, entry_size(d, s));
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
    delay_call(servername);
    if (!scheduled_result((out_params){bufptr, NULL, NULL}, &st)) {
        st = session_get_info(servername, UncClientName, username, level, bufptr);
        if (g.hostile != HOSTILE_NONE && bufptr != NULL)
            st = hostile_answer(st, bufptr, NULL, NULL, session_string(level));
    }
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
    delay_call(servername);
    if (!scheduled_result((out_params){NULL, NULL, NULL}, &st))
        st = session_del(servername, UncClientName, username);
    stub_unlock(&g.lock);
    return st;
}

/* ---- NetFileEnum / NetFileGetInfo / NetFileClose ---- */

typedef struct file_filter {
    uint32_t server;
    const wchar_t *basepath; /* NULL = any */
    const wchar_t *user;     /* NULL = any; "\\client" = by connection name */
} file_filter;

static int file_matches(const open_file *f, const file_filter *ff)
{
    if (f->server != ff->server)
        return 0;
    /* "the function enumerates only resources that have the value of the basepath parameter
     * as a prefix" (NetFileEnum's page); case-insensitive, as Windows paths are (the page
     * does not say). */
    if (ff->basepath != NULL && !stub_wprefix_eq(f->path, ff->basepath))
        return 0;
    if (ff->user == NULL)
        return 1;
    /* "If the string begins with two backslashes, then it indicates the name of the
     * connection ... The part of the connection name after the backslashes is the same as the
     * client name in the session information structure" (NetFileEnum's page). */
    if (ff->user[0] == L'\\' && ff->user[1] == L'\\')
        return stub_wname_eq(f->client, ff->user, 1);
    return stub_wname_eq(f->user, ff->user, 0);
}

static size_t file_entry_size(uint32_t level, const open_file *f)
{
    if (level == 2)
        return sizeof(FILE_INFO_2);
    size_t bytes = sizeof(FILE_INFO_3);
    if (f->path != NULL)
        bytes += (stub_wlen(f->path) + 1) * sizeof(wchar_t);
    if (f->user != NULL)
        bytes += (stub_wlen(f->user) + 1) * sizeof(wchar_t);
    return bytes;
}

static wchar_t *put_string(wchar_t **strings, const wchar_t *value)
{
    if (value == NULL)
        return NULL;
    wchar_t *p = *strings;
    *strings = stub_wcopy(p, value);
    return p;
}

static uint8_t *pack_files(uint32_t level, const void *const *list, uint32_t n, size_t bytes)
{
    uint8_t *buf = stub_track_alloc(&g.buffers, bytes);
    if (buf == NULL)
        return NULL;
    if (level == 2) {
        FILE_INFO_2 *e = (FILE_INFO_2 *)(void *)buf;
        for (uint32_t i = 0; i < n; i++)
            e[i].fi2_id = ((const open_file *)list[i])->id;
        return buf;
    }
    FILE_INFO_3 *e = (FILE_INFO_3 *)(void *)buf;
    wchar_t *strings = (wchar_t *)(void *)(buf + (size_t)n * sizeof(FILE_INFO_3));
    for (uint32_t i = 0; i < n; i++) {
        const open_file *f = list[i];
        e[i].fi3_id = f->id;
        e[i].fi3_permissions = f->permissions;
        e[i].fi3_num_locks = f->num_locks;
        e[i].fi3_pathname = put_string(&strings, f->path);
        e[i].fi3_username = put_string(&strings, f->user);
    }
    return buf;
}

static int file_row_matches(const void *row, const void *ff)
{
    return file_matches(row, ff);
}

static size_t file_row_size(const void *row, const void *level)
{
    return file_entry_size(*(const uint32_t *)level, row);
}

static string_field file_string(uint32_t level)
{
    if (level != 3)
        return (string_field){0, 0};
    return (string_field){sizeof(FILE_INFO_3), offsetof(FILE_INFO_3, fi3_pathname)};
}

static NET_API_STATUS file_enum(const wchar_t *servername, const wchar_t *basepath,
                                const wchar_t *username, uint32_t level, uint8_t **bufptr,
                                uint32_t prefmaxlen, uint32_t *entriesread,
                                uint32_t *totalentries, uint64_t start_handle, uint64_t *next)
{
    file_filter ff;
    if (bufptr == NULL || entriesread == NULL || totalentries == NULL)
        return ERROR_INVALID_PARAMETER;
    if (level != 2 && level != 3) /* NetFileEnum's page: levels 2 and 3 */
        return ERROR_INVALID_LEVEL;
    if (!stub_servers_find(&g.servers, servername, &ff.server))
        return ERROR_BAD_NETPATH;
    /* "Only members of the Administrators or Server Operators local group can successfully
     * execute the NetFileEnum function." (its remarks; NetFileGetInfo's and NetFileClose's
     * say the same) */
    if (g.unprivileged)
        return ERROR_ACCESS_DENIED;
    ff.basepath = stub_wempty(basepath) ? NULL : basepath;
    ff.user = stub_wempty(username) ? NULL : username;

    /* The resume handle is a DWORD_PTR (PDWORD_PTR on the page): the index of the next
     * matching entry. Paging as NetSessionEnum's: at least one entry per page. */
    uint32_t start = start_handle > UINT32_MAX ? UINT32_MAX : (uint32_t)start_handle;
    int whole = ff.server == 0 && ff.basepath == NULL && ff.user == NULL && g.remote_files == 0;
    table_view t = {g.files, g.nfiles, sizeof *g.files, file_row_matches, file_row_size, &ff,
                    &level, whole};
    page pg;
    NET_API_STATUS st = select_page(&t, start, prefmaxlen, &pg);
    if (st != NERR_Success)
        return st;
    /* A filter matching nothing is an empty success: the page lists no not-found code. */
    uint8_t *buf = NULL;
    if (pg.n > 0 && (buf = pack_files(level, pg.list, pg.n, pg.bytes)) == NULL) {
        free(pg.list);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    return finish_page(&pg, start, buf, bufptr, entriesread, totalentries, next);
}

STUB_API NET_API_STATUS WINAPI NetFileEnum(wchar_t *servername, wchar_t *basepath,
                                           wchar_t *username, uint32_t level, uint8_t **bufptr,
                                           uint32_t prefmaxlen, uint32_t *entriesread,
                                           uint32_t *totalentries, uintptr_t *resume_handle)
{
    NET_API_STATUS st;
    stub_lock(&g.lock);
    g.last_prefmaxlen = prefmaxlen;
    uint64_t before = resume_handle != NULL ? *resume_handle : 0, next;
    if (!enum_decided(bufptr, entriesread, totalentries, before, &next, &st)) {
        st = file_enum(servername, basepath, username, level, bufptr, prefmaxlen, entriesread,
                       totalentries, before, &next);
        st = enum_lies(st, bufptr, entriesread, file_string(level), before, &next);
    }
    if (resume_handle != NULL)
        *resume_handle = (uintptr_t)next;
    stub_unlock(&g.lock);
    return st;
}

/* The index of open file `id` on that server, or -1 with *st set. An unknown id is
 * ERROR_FILE_NOT_FOUND, "The file was not found" (NetFileGetInfo's and NetFileClose's pages;
 * MS-SRVS names NERR_FileIdNotFound for the RPC: stub_net_fail_on_call can give that). */
static int64_t find_file(const wchar_t *servername, uint32_t id, NET_API_STATUS *st)
{
    uint32_t server;
    if (!stub_servers_find(&g.servers, servername, &server)) {
        *st = ERROR_BAD_NETPATH;
        return -1;
    }
    if (g.unprivileged) { /* Administrators or Server Operators only (both pages' remarks) */
        *st = ERROR_ACCESS_DENIED;
        return -1;
    }
    for (uint32_t i = 0; i < g.nfiles; i++)
        if (g.files[i].server == server && g.files[i].id == id)
            return i;
    *st = ERROR_FILE_NOT_FOUND_;
    return -1;
}

STUB_API NET_API_STATUS WINAPI NetFileGetInfo(wchar_t *servername, uint32_t fileid,
                                              uint32_t level, uint8_t **bufptr)
{
    NET_API_STATUS st = NERR_Success;
    stub_lock(&g.lock);
    if (!scheduled_result((out_params){bufptr, NULL, NULL}, &st)) {
        if (bufptr == NULL) {
            st = ERROR_INVALID_PARAMETER;
        } else if (level != 2 && level != 3) { /* NetFileGetInfo's page: 2 and 3 */
            st = ERROR_INVALID_LEVEL;
        } else {
            int64_t i = find_file(servername, fileid, &st);
            if (i >= 0) {
                open_file *f = &g.files[i];
                const void *row = f;
                uint8_t *buf = pack_files(level, &row, 1, file_entry_size(level, f));
                if (buf == NULL) {
                    st = ERROR_NOT_ENOUGH_MEMORY;
                } else {
                    *bufptr = buf;
                    if (g.hostile != HOSTILE_NONE)
                        st = hostile_answer(st, bufptr, NULL, NULL, file_string(level));
                }
            }
        }
    }
    stub_unlock(&g.lock);
    return st;
}

STUB_API NET_API_STATUS WINAPI NetFileClose(wchar_t *servername, uint32_t fileid)
{
    NET_API_STATUS st = NERR_Success;
    stub_lock(&g.lock);
    if (!scheduled_result((out_params){NULL, NULL, NULL}, &st)) {
        int64_t i = find_file(servername, fileid, &st);
        if (i >= 0)
            (void)remove_file_at((uint32_t)i);
    }
    stub_unlock(&g.lock);
    return st;
}

/* ---- NetConnectionEnum ---- */

static const wchar_t *conn_netname(const connection *c, int by_client)
{
    /* coni1_netname is the name the qualifier did not give: the share for a computer
     * qualifier, the client's computer name (no backslashes) for a share qualifier
     * (CONNECTION_INFO_1's page). */
    return by_client ? c->share : stub_wskip_backslashes(c->client);
}

static size_t conn_entry_size(uint32_t level, const connection *c, int by_client)
{
    if (level == 0)
        return sizeof(CONNECTION_INFO_0);
    size_t bytes = sizeof(CONNECTION_INFO_1);
    const wchar_t *net = conn_netname(c, by_client);
    if (c->user != NULL)
        bytes += (stub_wlen(c->user) + 1) * sizeof(wchar_t);
    if (net != NULL)
        bytes += (stub_wlen(net) + 1) * sizeof(wchar_t);
    return bytes;
}

/* What NetConnectionEnum's qualifier selects: the connections from a client computer
 * (`by_client`) or to a share. */
typedef struct conn_filter {
    uint32_t server;
    const wchar_t *qualifier;
    int by_client;
    uint32_t level;
} conn_filter;

static int conn_row_matches(const void *row, const void *filter)
{
    const connection *c = row;
    const conn_filter *cf = filter;
    if (c->server != cf->server)
        return 0;
    return cf->by_client ? stub_wname_eq(c->client, cf->qualifier, 1)
                         : stub_wname_eq(c->share, cf->qualifier, 0);
}

static size_t conn_row_size(const void *row, const void *filter)
{
    const conn_filter *cf = filter;
    return conn_entry_size(cf->level, row, cf->by_client);
}

/* n structures, then their strings, into buf (sized by conn_entry_size). */
static void pack_connections(uint32_t level, int by_client, const void *const *list, uint32_t n,
                             uint8_t *buf)
{
    if (level == 0) {
        CONNECTION_INFO_0 *e = (CONNECTION_INFO_0 *)(void *)buf;
        for (uint32_t i = 0; i < n; i++)
            e[i].coni0_id = ((const connection *)list[i])->id;
    } else {
        CONNECTION_INFO_1 *e = (CONNECTION_INFO_1 *)(void *)buf;
        wchar_t *strings = (wchar_t *)(void *)(buf + (size_t)n * sizeof *e);
        for (uint32_t i = 0; i < n; i++) {
            const connection *c = list[i];
            e[i].coni1_id = c->id;
            e[i].coni1_type = c->type;
            e[i].coni1_num_opens = c->num_opens;
            e[i].coni1_num_users = c->num_users;
            e[i].coni1_time = c->time;
            e[i].coni1_username = put_string(&strings, c->user);
            e[i].coni1_netname = put_string(&strings, conn_netname(c, by_client));
        }
    }
}

static NET_API_STATUS connection_enum(const wchar_t *servername, const wchar_t *qualifier,
                                      uint32_t level, uint8_t **bufptr, uint32_t prefmaxlen,
                                      uint32_t *entriesread, uint32_t *totalentries,
                                      uint64_t start_handle, uint64_t *next)
{
    uint32_t server;
    if (bufptr == NULL || entriesread == NULL || totalentries == NULL)
        return ERROR_INVALID_PARAMETER;
    if (level != 0 && level != 1) /* NetConnectionEnum's page: levels 0 and 1 */
        return ERROR_INVALID_LEVEL;
    if (!stub_servers_find(&g.servers, servername, &server))
        return ERROR_BAD_NETPATH;
    /* "Administrator, Server or Print Operator, or Power User group membership is required
     * to successfully execute the NetConnectionEnum function." (its remarks) */
    if (g.unprivileged)
        return ERROR_ACCESS_DENIED;
    /* The qualifier is what is enumerated: "a share name or computer name for the
     * connections of interest" (NetConnectionEnum's page); without one there is nothing to
     * enumerate. The page does not say which error: ERROR_INVALID_PARAMETER here. */
    if (stub_wempty(qualifier))
        return ERROR_INVALID_PARAMETER;
    /* "If it is a computer name (for example, it starts with two backslash characters),
     * then NetConnectionEnum lists all connections made from that computer". */
    conn_filter cf = {server, qualifier, qualifier[0] == L'\\' && qualifier[1] == L'\\', level};
    uint32_t start = (uint32_t)start_handle;
    table_view t = {g.conns, g.nconns, sizeof *g.conns, conn_row_matches, conn_row_size, &cf,
                    &cf, 0};
    page pg;
    NET_API_STATUS st = select_page(&t, start, prefmaxlen, &pg);
    if (st != NERR_Success)
        return st;
    /* Nothing matches: an empty success (the page lists no not-found code). */
    uint8_t *buf = NULL;
    if (pg.n > 0) {
        buf = stub_track_alloc(&g.buffers, pg.bytes);
        if (buf == NULL) {
            free(pg.list);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        pack_connections(level, cf.by_client, pg.list, pg.n, buf);
    }
    return finish_page(&pg, start, buf, bufptr, entriesread, totalentries, next);
}

STUB_API NET_API_STATUS WINAPI NetConnectionEnum(wchar_t *servername, wchar_t *qualifier,
                                                 uint32_t level, uint8_t **bufptr,
                                                 uint32_t prefmaxlen, uint32_t *entriesread,
                                                 uint32_t *totalentries,
                                                 uint32_t *resume_handle)
{
    NET_API_STATUS st;
    stub_lock(&g.lock);
    g.last_prefmaxlen = prefmaxlen;
    uint64_t before = resume_handle != NULL ? *resume_handle : 0, next;
    if (!enum_decided(bufptr, entriesread, totalentries, before, &next, &st)) {
        st = connection_enum(servername, qualifier, level, bufptr, prefmaxlen, entriesread,
                             totalentries, before, &next);
        string_field field = {0, 0};
        if (level == 1)
            field = (string_field){sizeof(CONNECTION_INFO_1),
                                   offsetof(CONNECTION_INFO_1, coni1_username)};
        st = enum_lies(st, bufptr, entriesread, field, before, &next);
    }
    if (resume_handle != NULL)
        *resume_handle = (uint32_t)next;
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

/* The calling thread's last error as this library keeps it (off Windows each stand-in has
 * its own; under Windows/Wine it is the real one): lets the tests check that a NET_API_STATUS
 * function leaves it alone, as Windows does (stubs/README.md). */
STUB_API uint32_t stub_get_last_error(void)
{
    return stub_error_get();
}

STUB_API void stub_set_last_error(uint32_t code)
{
    stub_error_set(code);
}

STUB_API void stub_net_reset(void)
{
    stub_lock(&g.lock);
    for (uint32_t i = 0; i < g.nsessions; i++)
        free_session(&g.sessions[i]);
    for (uint32_t i = 0; i < g.nfiles; i++)
        free_file(&g.files[i]);
    for (uint32_t i = 0; i < g.nconns; i++)
        free_conn(&g.conns[i]);
    g.nfiles = g.remote_files = g.nconns = 0;
    stub_servers_clear(&g.servers);
    g.nsessions = 0;
    g.remote_sessions = 0;
    g.calls = g.last_prefmaxlen = 0;
    g.unprivileged = 0;
    g.hostile = g.hostile_arg = 0;
    memset(g.delay_ms, 0, sizeof g.delay_ms);
    stub_schedule_clear(&g.schedule);
    stub_track_reset_counters(&g.buffers);
    stub_unlock(&g.lock);
}

/* Test-only knob (no Windows counterpart): calls aimed at server (NULL: local) first sleep
 * ms milliseconds with the lock released. 0, or -1 for an unknown server. */
STUB_API int32_t stub_net_set_delay(const wchar_t *server, uint32_t ms)
{
    return stub_set_delay_locked(&g.lock, &g.servers, g.delay_ms, server, ms);
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
static int32_t add_bulk(uint32_t count)
{
    static const wchar_t cltype[] = L"Windows 10 Enterprise";
    static const wchar_t transport[] = L"\\Device\\NetbiosSmb";
    wchar_t cname[16], user[16];
    const wchar_t *const str[STR_COUNT] = {[STR_cname] = cname, [STR_username] = user,
                                           [STR_cltype_name] = cltype,
                                           [STR_transport] = transport};
    int32_t result = 0;
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
    return result;
}

STUB_API int32_t stub_net_add_sessions_bulk(uint32_t count)
{
    stub_lock(&g.lock);
    int32_t result = add_bulk(count);
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

STUB_API void stub_net_add_on_call(uint32_t call_no, uint32_t count)
{
    schedule(call_no, EV_ADD, count);
}

STUB_API void stub_net_hostile(uint32_t mode, uint32_t arg)
{
    stub_lock(&g.lock);
    g.hostile = mode;
    g.hostile_arg = arg;
    stub_unlock(&g.lock);
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

static int dup_all(wchar_t **out[], const wchar_t *const in[], int n)
{
    for (int i = 0; i < n; i++) {
        *out[i] = NULL;
        if (in[i] != NULL && (*out[i] = stub_wdup(in[i])) == NULL)
            return -1;
    }
    return 0;
}

static int32_t add_file(const wchar_t *server, uint32_t id, const wchar_t *path,
                        const wchar_t *user, const wchar_t *client, uint32_t permissions,
                        uint32_t num_locks)
{
    open_file f = {0};
    int64_t sid = stub_servers_add(&g.servers, server);
    open_file *grown = stub_grow(g.files, &g.files_cap, g.nfiles + 1, sizeof *grown);
    if (sid < 0 || grown == NULL)
        return -1;
    g.files = grown;
    f.server = (uint32_t)sid;
    f.id = id;
    f.permissions = permissions;
    f.num_locks = num_locks;
    wchar_t **slots[] = {&f.path, &f.user, &f.client};
    const wchar_t *const values[] = {path, user, client};
    if (dup_all(slots, values, 3) != 0) {
        free_file(&f);
        return -1;
    }
    g.files[g.nfiles++] = f;
    g.remote_files += f.server != 0;
    return (int32_t)g.nfiles;
}

STUB_API int32_t stub_net_add_file(const wchar_t *server, uint32_t id, const wchar_t *path,
                                   const wchar_t *user, const wchar_t *client,
                                   uint32_t permissions, uint32_t num_locks)
{
    stub_lock(&g.lock);
    int32_t count = add_file(server, id, path, user, client, permissions, num_locks);
    stub_unlock(&g.lock);
    return count;
}

/* Synthetic open files for scale tests and benchmarks: the file at table index i has id
 * i + 1, permissions 1 + i % 7, num_locks i % 4, path C:\Shares\Data\f<i>.dat, user u<i % 100>
 * and client \\C<i % 100>, on the local server. */
STUB_API int32_t stub_net_add_files_bulk(uint32_t count)
{
    wchar_t path[40], user[16], client[16];
    int32_t result = 0;
    stub_lock(&g.lock);
    open_file *grown = g.files;
    if (count > UINT32_MAX - g.nfiles)
        result = -1;
    else if (count > 0 &&
             (grown = stub_grow(g.files, &g.files_cap, g.nfiles + count, sizeof *grown)) == NULL)
        result = -1;
    else
        g.files = grown;
    for (uint32_t k = 0; result >= 0 && k < count; k++) {
        uint32_t i = g.nfiles;
        synth_name(path, L"C:\\Shares\\Data\\f", i);
        size_t len = wcslen(path);
        memcpy(path + len, L".dat", 5 * sizeof(wchar_t));
        synth_name(user, L"u", i % 100);
        synth_name(client, L"\\\\C", i % 100);
        result = add_file(NULL, i + 1, path, user, client, 1 + i % 7, i % 4);
    }
    if (result >= 0)
        result = (int32_t)g.nfiles;
    stub_unlock(&g.lock);
    return result;
}

STUB_API int32_t stub_net_add_connection(const wchar_t *server, uint32_t id,
                                         const wchar_t *share, const wchar_t *client,
                                         const wchar_t *user, uint32_t type, uint32_t num_opens,
                                         uint32_t num_users, uint32_t time)
{
    connection c = {0};
    int32_t result = -1;
    stub_lock(&g.lock);
    int64_t sid = stub_servers_add(&g.servers, server);
    connection *grown = stub_grow(g.conns, &g.conns_cap, g.nconns + 1, sizeof *grown);
    if (sid >= 0 && grown != NULL) {
        g.conns = grown;
        c.server = (uint32_t)sid;
        c.id = id;
        c.type = type;
        c.num_opens = num_opens;
        c.num_users = num_users;
        c.time = time;
        wchar_t **slots[] = {&c.share, &c.client, &c.user};
        const wchar_t *const values[] = {share, client, user};
        if (dup_all(slots, values, 3) != 0) {
            free_conn(&c);
        } else {
            g.conns[g.nconns++] = c;
            result = (int32_t)g.nconns;
        }
    }
    stub_unlock(&g.lock);
    return result;
}

STUB_API void stub_net_remove_file_on_call(uint32_t call_no, uint32_t index)
{
    schedule(call_no, EV_REMOVE_FILE, index);
}

STUB_API uint32_t stub_net_file_count(void) { return read_u32(&g.nfiles); }
STUB_API uint32_t stub_net_connection_count(void) { return read_u32(&g.nconns); }

/* Layouts of FILE_INFO_<2|3> (kind 0) and CONNECTION_INFO_<0|1> (kind 1) as this build sees
 * them: sizes, and offsets of the field-th member in declaration order (-1 if none). */
#define OFF(T, m) (int32_t) offsetof(T, m)
STUB_API uint32_t stub_net_share_struct_size(uint32_t kind, uint32_t level)
{
    if (kind == 0)
        return level == 2 ? sizeof(FILE_INFO_2) : level == 3 ? sizeof(FILE_INFO_3) : 0;
    if (kind == 1)
        return level == 0 ? sizeof(CONNECTION_INFO_0)
               : level == 1 ? sizeof(CONNECTION_INFO_1) : 0;
    return 0;
}

STUB_API int32_t stub_net_share_field_offset(uint32_t kind, uint32_t level, uint32_t field)
{
    static const int32_t fi3[] = {OFF(FILE_INFO_3, fi3_id), OFF(FILE_INFO_3, fi3_permissions),
                                  OFF(FILE_INFO_3, fi3_num_locks),
                                  OFF(FILE_INFO_3, fi3_pathname),
                                  OFF(FILE_INFO_3, fi3_username)};
    static const int32_t coni1[] = {
        OFF(CONNECTION_INFO_1, coni1_id),        OFF(CONNECTION_INFO_1, coni1_type),
        OFF(CONNECTION_INFO_1, coni1_num_opens), OFF(CONNECTION_INFO_1, coni1_num_users),
        OFF(CONNECTION_INFO_1, coni1_time),      OFF(CONNECTION_INFO_1, coni1_username),
        OFF(CONNECTION_INFO_1, coni1_netname)};
    if ((kind == 0 && level == 2) || (kind == 1 && level == 0))
        return field == 0 ? 0 : -1;
    if (kind == 0 && level == 3)
        return field < 5 ? fi3[field] : -1;
    if (kind == 1 && level == 1)
        return field < 7 ? coni1[field] : -1;
    return -1;
}

/* ==== workstation users: NetWkstaUserEnum and NetWkstaUserGetInfo (lmwksta.h; issue 22) ====
 * From Microsoft Learn:
 * - "NetWkstaUserEnum function": "lists information about all users currently logged on to
 *   the workstation. This list includes interactive, service and batch logons"; levels 0
 *   (WKSTA_USER_INFO_0) and 1 (WKSTA_USER_INFO_1); prefmaxlen / MAX_PREFERRED_LENGTH,
 *   entriesread, totalentries and resumehandle as for the other enumerations, ERROR_MORE_DATA
 *   while more follow; ERROR_INVALID_LEVEL, ERROR_INVALID_PARAMETER, ERROR_ACCESS_DENIED
 *   listed. Remarks: the caller needs administrator rights on servername (played by
 *   stub_net_set_privileged(0)).
 * - "NetWkstaUserGetInfo function": "returns information about the currently logged-on user.
 *   This function must be called in the context of the logged-on user"; reserved "This
 *   parameter must be set to NULL" (ERROR_INVALID_PARAMETER otherwise: the page lists that
 *   code); levels 0, 1 and 1101 (ERROR_INVALID_LEVEL otherwise). The caller is the first
 *   local row; with none the page is silent -- the stand-in answers
 *   ERROR_NO_SUCH_LOGON_SESSION.
 * The rows are a table of their own (stub_net_wksta_*), reset by stub_net_wksta_reset; the
 * buffers, lock, schedule, call counter, servers and hostile modes are the ones above. */

#define ERROR_NO_SUCH_LOGON_SESSION_ 1312

typedef struct _WKSTA_USER_INFO_0 {
    wchar_t *wkui0_username;
} WKSTA_USER_INFO_0;
typedef struct _WKSTA_USER_INFO_1 {
    wchar_t *wkui1_username;
    wchar_t *wkui1_logon_domain;
    wchar_t *wkui1_oth_domains;
    wchar_t *wkui1_logon_server;
} WKSTA_USER_INFO_1;
typedef struct _WKSTA_USER_INFO_1101 {
    wchar_t *wkui1101_oth_domains;
} WKSTA_USER_INFO_1101;

enum { WK_USER, WK_DOMAIN, WK_OTHER, WK_SERVER, WK_COUNT };

typedef struct wksta_user {
    uint32_t server;
    wchar_t *str[WK_COUNT]; /* malloc'd */
} wksta_user;

static struct {
    wksta_user *rows;
    uint32_t n, cap;
} wk;

/* Which strings a level holds, in member order (-1 ends the list). */
static const int *wksta_fields(uint32_t level, size_t *size)
{
    static const int f0[] = {WK_USER, -1};
    static const int f1[] = {WK_USER, WK_DOMAIN, WK_OTHER, WK_SERVER, -1};
    static const int f1101[] = {WK_OTHER, -1};
    switch (level) {
    case 0: *size = sizeof(WKSTA_USER_INFO_0); return f0;
    case 1: *size = sizeof(WKSTA_USER_INFO_1); return f1;
    case 1101: *size = sizeof(WKSTA_USER_INFO_1101); return f1101;
    default: return NULL;
    }
}

static size_t wksta_entry_size(uint32_t level, const wksta_user *u)
{
    size_t size = 0;
    const int *f = wksta_fields(level, &size);
    for (; f != NULL && *f >= 0; f++)
        size += (stub_wlen(u->str[*f]) + 1) * sizeof(wchar_t);
    return size;
}

static uint8_t *pack_wksta(uint32_t level, const void *const *list, uint32_t n, size_t bytes)
{
    size_t each = 0;
    const int *fields = wksta_fields(level, &each);
    uint8_t *buf = stub_track_alloc(&g.buffers, bytes);
    if (buf == NULL)
        return NULL;
    wchar_t *strings = (wchar_t *)(void *)(buf + (size_t)n * each);
    for (uint32_t i = 0; i < n; i++) {
        const wksta_user *u = list[i];
        wchar_t **member = (wchar_t **)(void *)(buf + (size_t)i * each);
        for (const int *f = fields; *f >= 0; f++, member++) {
            *member = strings;
            strings = stub_wcopy(strings, u->str[*f] != NULL ? u->str[*f] : L"");
        }
    }
    return buf;
}

static int wksta_row_matches(const void *row, const void *server)
{
    return ((const wksta_user *)row)->server == *(const uint32_t *)server;
}

static size_t wksta_row_size(const void *row, const void *level)
{
    return wksta_entry_size(*(const uint32_t *)level, row);
}

static NET_API_STATUS wksta_enum(const wchar_t *servername, uint32_t level, uint8_t **bufptr,
                                 uint32_t prefmaxlen, uint32_t *entriesread,
                                 uint32_t *totalentries, uint64_t start, uint64_t *next)
{
    uint32_t server;
    size_t each;
    NET_API_STATUS st;
    if (bufptr == NULL || entriesread == NULL || totalentries == NULL)
        return ERROR_INVALID_PARAMETER;
    if (level > 1)
        return ERROR_INVALID_LEVEL;
    if (invalid_computer_name(servername))
        return NERR_InvalidComputer;
    if (!stub_servers_find(&g.servers, servername, &server))
        return ERROR_BAD_NETPATH;
    if (g.unprivileged)
        return ERROR_ACCESS_DENIED;
    (void)wksta_fields(level, &each);
    table_view t = {wk.rows, wk.n, sizeof *wk.rows, wksta_row_matches, wksta_row_size,
                    &server, &level, 0};
    page pg;
    if ((st = select_page(&t, (uint32_t)start, prefmaxlen, &pg)) != NERR_Success)
        return st;
    uint8_t *buf = NULL;
    if (pg.n > 0 && (buf = pack_wksta(level, pg.list, pg.n, pg.bytes + 0)) == NULL) {
        free(pg.list);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    return finish_page(&pg, (uint32_t)start, buf, bufptr, entriesread, totalentries, next);
}

STUB_API NET_API_STATUS WINAPI NetWkstaUserEnum(wchar_t *servername, uint32_t level,
                                                uint8_t **bufptr, uint32_t prefmaxlen,
                                                uint32_t *entriesread, uint32_t *totalentries,
                                                uint32_t *resumehandle)
{
    NET_API_STATUS st;
    size_t each = 0;
    stub_lock(&g.lock);
    delay_call(servername);
    g.last_prefmaxlen = prefmaxlen;
    uint64_t before = resumehandle != NULL ? *resumehandle : 0, next;
    if (!enum_decided(bufptr, entriesread, totalentries, before, &next, &st)) {
        st = wksta_enum(servername, level, bufptr, prefmaxlen, entriesread, totalentries,
                        before, &next);
        string_field field = {wksta_fields(level, &each) != NULL ? each : 0, 0};
        st = enum_lies(st, bufptr, entriesread, field, before, &next);
    }
    if (resumehandle != NULL)
        *resumehandle = (uint32_t)next;
    stub_unlock(&g.lock);
    return st;
}

STUB_API NET_API_STATUS WINAPI NetWkstaUserGetInfo(wchar_t *reserved, uint32_t level,
                                                   uint8_t **bufptr)
{
    NET_API_STATUS st = NERR_Success;
    size_t each = 0;
    stub_lock(&g.lock);
    if (scheduled_result((out_params){bufptr, NULL, NULL}, &st))
        goto done;
    if (reserved != NULL || bufptr == NULL) {
        st = ERROR_INVALID_PARAMETER;
        goto done;
    }
    if (wksta_fields(level, &each) == NULL) {
        st = ERROR_INVALID_LEVEL;
        goto done;
    }
    const wksta_user *me = NULL;
    for (uint32_t i = 0; i < wk.n && me == NULL; i++)
        if (wk.rows[i].server == 0)
            me = &wk.rows[i];
    if (me == NULL) {
        st = ERROR_NO_SUCH_LOGON_SESSION_;
        goto done;
    }
    const void *list[1] = {me};
    /* wksta_entry_size counts the structure and its strings: the buffer is exactly that (32
     * bytes more left an uninitialised tail, which a reader looking for the last string's
     * NUL up to the buffer's end could meet as garbage). */
    if ((*bufptr = pack_wksta(level, list, 1, wksta_entry_size(level, me))) == NULL)
        st = ERROR_NOT_ENOUGH_MEMORY;
    else if (g.hostile != HOSTILE_NONE)
        st = hostile_answer(st, bufptr, NULL, NULL, (string_field){each, 0});
done:
    stub_unlock(&g.lock);
    return st;
}

STUB_API void stub_net_wksta_reset(void)
{
    stub_lock(&g.lock);
    for (uint32_t i = 0; i < wk.n; i++)
        for (int j = 0; j < WK_COUNT; j++)
            free(wk.rows[i].str[j]);
    wk.n = 0;
    stub_unlock(&g.lock);
}

/* Appends a workstation user of `server` (NULL: this computer); the row count, or -1. */
STUB_API int32_t stub_net_wksta_add_user(const wchar_t *server, const wchar_t *user,
                                         const wchar_t *domain, const wchar_t *other,
                                         const wchar_t *logon_server)
{
    int32_t count = -1;
    const wchar_t *in[WK_COUNT] = {user, domain, other, logon_server};
    stub_lock(&g.lock);
    int64_t id = stub_servers_add(&g.servers, server);
    wksta_user *grown = stub_grow(wk.rows, &wk.cap, wk.n + 1, sizeof *grown);
    if (id >= 0 && grown != NULL) {
        wk.rows = grown;
        wksta_user u = {(uint32_t)id, {NULL}};
        int ok = 1;
        for (int j = 0; j < WK_COUNT; j++)
            if (in[j] != NULL && (u.str[j] = stub_wdup(in[j])) == NULL)
                ok = 0;
        if (ok) {
            wk.rows[wk.n++] = u;
            count = (int32_t)wk.n;
        } else {
            for (int j = 0; j < WK_COUNT; j++)
                free(u.str[j]);
        }
    }
    stub_unlock(&g.lock);
    return count;
}

/* Layouts for tests/test_declarations.py: the size of WKSTA_USER_INFO_<level> (0 for a level
 * that is none) and the offset of its field-th member (-1 past the last). */
STUB_API uint32_t stub_net_wksta_struct_size(uint32_t level)
{
    size_t size = 0;
    return wksta_fields(level, &size) != NULL ? (uint32_t)size : 0;
}

STUB_API int32_t stub_net_wksta_field_offset(uint32_t level, uint32_t field)
{
    size_t size = 0;
    const int *f = wksta_fields(level, &size);
    uint32_t n = 0;
    while (f != NULL && f[n] >= 0)
        n++;
    return field < n ? (int32_t)(field * sizeof(wchar_t *)) : -1;
}
