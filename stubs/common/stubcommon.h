/* Shared pieces of the stand-in DLLs (netapi32, wtsapi32, COM): export macro, Win32 error
 * numbers, a lock and a condition variable, the last error, tracked API buffers, wide-string
 * helpers, a server list and a table of events scheduled by call number.
 * Builds for the Linux host (4-byte wchar_t) and with mingw-w64 (2-byte wchar_t).
 * Nothing here locks by itself: each stand-in guards all its state, these included, with
 * one stub_mutex. */
#ifndef STUBCOMMON_H
#define STUBCOMMON_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#ifdef _WIN32
#  ifndef _WIN32_WINNT
#    define _WIN32_WINNT 0x0600 /* SRWLOCK needs Vista */
#  endif
#  ifndef WIN32_LEAN_AND_MEAN
#    define WIN32_LEAN_AND_MEAN
#  endif
#  include <windows.h>
#  define STUB_API __declspec(dllexport)
#else
#  include <pthread.h>
#  define STUB_API __attribute__((visibility("default")))
#  define WINAPI /* the stand-ins' Windows APIs are __stdcall; Linux has one convention */
#endif

/* winerror.h provides these on Windows; the stand-ins use the same numbers on Linux. */
#ifndef _WIN32
#  define ERROR_ACCESS_DENIED 5
#  define ERROR_INVALID_HANDLE 6
#  define ERROR_NOT_ENOUGH_MEMORY 8
#  define ERROR_NOT_SUPPORTED 50
#  define ERROR_BAD_NETPATH 53
#  define ERROR_INVALID_PARAMETER 87
#  define ERROR_INVALID_LEVEL 124
#  define ERROR_MORE_DATA 234
#  define ERROR_NO_MORE_ITEMS 259
#  define RPC_S_SERVER_UNAVAILABLE 1722
#  define ERROR_CTX_WINSTATION_NOT_FOUND 7022
#endif

/* ---- lock: SRWLOCK rather than pthreads on Windows, so no libwinpthread is needed ---- */
#ifdef _WIN32
typedef SRWLOCK stub_mutex;
#  define STUB_MUTEX_INIT SRWLOCK_INIT
#else
typedef pthread_mutex_t stub_mutex;
#  define STUB_MUTEX_INIT PTHREAD_MUTEX_INITIALIZER
#endif
void stub_lock(stub_mutex *m);
void stub_unlock(stub_mutex *m);
/* *v read under m: counters are read under the lock like everything else. */
uint32_t stub_locked_u32(stub_mutex *m, const uint32_t *v);
int64_t stub_locked_i64(stub_mutex *m, const int64_t *v);

/* ---- condition variable, used with a stub_mutex (CONDITION_VARIABLE works with SRWLOCK) ---- */
#ifdef _WIN32
typedef CONDITION_VARIABLE stub_cond;
#  define STUB_COND_INIT CONDITION_VARIABLE_INIT
#else
typedef pthread_cond_t stub_cond;
#  define STUB_COND_INIT PTHREAD_COND_INITIALIZER
#endif
/* Releases m while blocked, holds it again on return; may wake spuriously. */
void stub_cond_wait(stub_cond *c, stub_mutex *m);
void stub_cond_broadcast(stub_cond *c);

/* ---- last error: the real SetLastError/GetLastError on Windows, a thread-local value
 * elsewhere (each stand-in library has its own) ---- */
void stub_error_set(uint32_t code);
uint32_t stub_error_get(void);

/* Sleeps ms milliseconds (Sleep on Windows, nanosleep elsewhere). */
void stub_sleep_ms(uint32_t ms);

/* The host clock as a FILETIME: 100 ns ticks since 1601-01-01 UTC. */
int64_t stub_filetime_now(void);

/* ---- growable arrays ---- */
/* Makes room for need items of size bytes: returns the (maybe moved) array with *cap
 * updated, or NULL with items and *cap untouched. */
void *stub_grow(void *items, uint32_t *cap, uint32_t need, size_t size);

/* ---- pointer set: open addressing, each key with a size_t value and a 64-bit tag ---- */
/* Keys are addresses as integers: freed pointers are only compared, never used. */
typedef struct stub_ptrslot {
    uintptr_t key; /* 0 marks an empty slot */
    size_t value;
    uint64_t tag;
} stub_ptrslot;

typedef struct stub_ptrset {
    stub_ptrslot *slots; /* NULL until the first insert */
    size_t cap;                 /* a power of two, or 0 */
    size_t len;
} stub_ptrset;

/* ---- buffer tracker: every buffer a stand-in hands out, to catch leaks and misuse ---- */
typedef struct stub_tracker {
    stub_ptrset live;  /* pointer -> requested size, and the tag it was allocated with */
    stub_ptrset freed; /* freed and not handed out since: tells a double free from a foreign one */
    int64_t outstanding; /* live buffers; never reset, so a reset cannot hide a leak */
    uint32_t allocs, frees, double_frees, foreign_frees; /* since stub_track_reset_counters */
} stub_tracker;

typedef enum stub_free_result {
    STUB_FREE_OK,
    STUB_FREE_DOUBLE,  /* freed before and not handed out again */
    STUB_FREE_FOREIGN, /* never handed out by this tracker */
} stub_free_result;

/* A static stub_tracker is ready zero-initialised. Failed allocations return NULL and
 * count nothing. */
void *stub_track_alloc(stub_tracker *t, size_t size);
/* The same, remembering tag (what the stand-in needs to know at free time, e.g. which free
 * function the buffer belongs to); stub_track_alloc uses tag 0. */
void *stub_track_alloc_tagged(stub_tracker *t, size_t size, uint64_t tag);
/* Frees p if live; otherwise counts a double or foreign free and leaves memory alone.
 * p must not be NULL. */
stub_free_result stub_track_free(stub_tracker *t, void *p);
/* p must be live (check with stub_track_size first); NULL on failure, p still live. */
void *stub_track_realloc(stub_tracker *t, void *p, size_t size);
/* 1 and *size = the requested size if p is live, else 0. */
int stub_track_size(const stub_tracker *t, const void *p, size_t *size);
/* 1 and *tag if p is live, else 0. */
int stub_track_tag(const stub_tracker *t, const void *p, uint64_t *tag);
/* Zeroes the counters but keeps outstanding and both pointer sets. */
void stub_track_reset_counters(stub_tracker *t);

/* Defines a stand-in's control exports stub_<prefix>_{allocs,frees,double_frees,
 * foreign_frees,outstanding}, reading tracker t under lock m. */
#define STUB_TRACKER_EXPORTS(prefix, m, t)                                                 \
    STUB_API uint32_t stub_##prefix##_allocs(void) { return stub_locked_u32(m, &(t)->allocs); } \
    STUB_API uint32_t stub_##prefix##_frees(void) { return stub_locked_u32(m, &(t)->frees); } \
    STUB_API uint32_t stub_##prefix##_double_frees(void)                                   \
    {                                                                                      \
        return stub_locked_u32(m, &(t)->double_frees);                                     \
    }                                                                                      \
    STUB_API uint32_t stub_##prefix##_foreign_frees(void)                                  \
    {                                                                                      \
        return stub_locked_u32(m, &(t)->foreign_frees);                                    \
    }                                                                                      \
    STUB_API int64_t stub_##prefix##_outstanding(void)                                     \
    {                                                                                      \
        return stub_locked_i64(m, &(t)->outstanding);                                      \
    }

/* ---- wide strings (wchar_t is 4 bytes on Linux, 2 on Windows) ---- */
int stub_wempty(const wchar_t *s); /* NULL or "" */
size_t stub_wlen(const wchar_t *s); /* 0 for NULL */
const wchar_t *stub_wskip_backslashes(const wchar_t *s);
/* Case-insensitive equality (towlower); NULL equals only NULL. With strip_backslashes,
 * leading backslashes of both sides are ignored ("\\\\PC" equals "pc"). */
int stub_wname_eq(const wchar_t *a, const wchar_t *b, int strip_backslashes);
/* malloc'd copy (not tracked); NULL for NULL or on failure. */
/* Whether s starts with prefix, case-insensitively (NULL s: only for an empty prefix). */
int stub_wprefix_eq(const wchar_t *s, const wchar_t *prefix);
wchar_t *stub_wdup(const wchar_t *s);
/* Copies s with its NUL to dst; returns the position just past that NUL. */
wchar_t *stub_wcopy(wchar_t *dst, const wchar_t *s);

/* ---- servers: the local one (id 0) and those the tests add (ids 1, 2, ...) ---- */
#define STUB_LOCAL_SERVER L"STANDIN"

typedef struct stub_servers {
    wchar_t **names; /* malloc'd, as added */
    uint32_t count, cap;
} stub_servers;

/* NULL, "" and STUB_LOCAL_SERVER are the local server. Names compare case-insensitively,
 * leading backslashes ignored. 1 and *id if known, else 0. */
int stub_servers_find(const stub_servers *s, const wchar_t *name, uint32_t *id);
/* The id of a known server, else adds it; -1 when out of memory. */
int64_t stub_servers_add(stub_servers *s, const wchar_t *name);
/* Forgets every added server (the array is kept for reuse). */
void stub_servers_clear(stub_servers *s);
/* The stub_*_add_server control exports: adds a non-empty name under m; 0, or -1. */
int32_t stub_servers_add_locked(stub_mutex *m, stub_servers *s, const wchar_t *name);

/* ---- per-server delays: a TEST-ONLY knob with no Windows counterpart (no Microsoft page
 * describes it): every call aimed at that server first sleeps, with the lock released, as
 * a slow network would. For testing many servers at once (winsession.fleet). Indexed by
 * server id; ids from STUB_MAX_DELAYS on cannot be delayed. ---- */
#define STUB_MAX_DELAYS 64

/* Called with m held: sleeps delays[id] ms with m released (and held again after). */
void stub_delay_server(stub_mutex *m, const uint32_t *delays, uint32_t id);
/* The stub_*_set_delay control exports: under m, delays[id of name] = ms; 0, or -1 for a
 * server never added (or beyond STUB_MAX_DELAYS). NULL/"" is the local server. */
int32_t stub_set_delay_locked(stub_mutex *m, const stub_servers *s, uint32_t *delays,
                              const wchar_t *name, uint32_t ms);

/* ---- events scheduled for a call number; each fires once ---- */
#define STUB_MAX_EVENTS 64

#define STUB_EVENT_ARGS 2

typedef struct stub_event {
    uint32_t call_no;
    uint32_t kind; /* kinds and args mean what the stand-in says */
    uint32_t args[STUB_EVENT_ARGS];
} stub_event;

typedef struct stub_schedule {
    stub_event events[STUB_MAX_EVENTS];
    uint32_t count;
} stub_schedule;

/* 0, or -1 when STUB_MAX_EVENTS are already pending. */
int stub_schedule_add(stub_schedule *s, uint32_t call_no, uint32_t kind, uint32_t arg0,
                      uint32_t arg1);
/* Removes the earliest scheduled event for call_no into *out: 1, or 0 if there is none. */
int stub_schedule_take(stub_schedule *s, uint32_t call_no, stub_event *out);
void stub_schedule_clear(stub_schedule *s);

#endif
