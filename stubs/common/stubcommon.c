/* Shared pieces of the stand-in DLLs; see stubcommon.h. */
#include "stubcommon.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wctype.h>

/* ---- lock ---- */

void stub_lock(stub_mutex *m)
{
#ifdef _WIN32
    AcquireSRWLockExclusive(m);
#else
    pthread_mutex_lock(m);
#endif
}

void stub_unlock(stub_mutex *m)
{
#ifdef _WIN32
    ReleaseSRWLockExclusive(m);
#else
    pthread_mutex_unlock(m);
#endif
}

uint32_t stub_locked_u32(stub_mutex *m, const uint32_t *v)
{
    stub_lock(m);
    uint32_t x = *v;
    stub_unlock(m);
    return x;
}

int64_t stub_locked_i64(stub_mutex *m, const int64_t *v)
{
    stub_lock(m);
    int64_t x = *v;
    stub_unlock(m);
    return x;
}

/* ---- condition variable ---- */

void stub_cond_wait(stub_cond *c, stub_mutex *m)
{
#ifdef _WIN32
    SleepConditionVariableSRW(c, m, INFINITE, 0); /* 0: m is held exclusively */
#else
    pthread_cond_wait(c, m);
#endif
}

void stub_cond_broadcast(stub_cond *c)
{
#ifdef _WIN32
    WakeAllConditionVariable(c);
#else
    pthread_cond_broadcast(c);
#endif
}

/* ---- last error ---- */

#ifdef _WIN32
void stub_error_set(uint32_t code)
{
    SetLastError(code);
}

uint32_t stub_error_get(void)
{
    return GetLastError();
}
#else
static _Thread_local uint32_t last_error; /* per thread, as Windows keeps it */

void stub_error_set(uint32_t code)
{
    last_error = code;
}

uint32_t stub_error_get(void)
{
    return last_error;
}
#endif

int64_t stub_filetime_now(void)
{
#ifdef _WIN32
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    return (int64_t)(((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime);
#else
    struct timespec ts;
    if (timespec_get(&ts, TIME_UTC) == 0)
        return 0;
    /* 11644473600 s lie between 1601-01-01 and the Unix epoch. */
    return ((int64_t)ts.tv_sec + INT64_C(11644473600)) * 10000000 + ts.tv_nsec / 100;
#endif
}

/* ---- growable arrays ---- */

void *stub_grow(void *items, uint32_t *cap, uint32_t need, size_t size)
{
    if (need <= *cap)
        return items;
    if (need > UINT32_MAX / 2)
        return NULL;
    uint32_t bigger = *cap ? *cap : 8;
    while (bigger < need)
        bigger *= 2;
    void *moved = realloc(items, (size_t)bigger * size);
    if (moved != NULL)
        *cap = bigger;
    return moved;
}

/* ---- pointer set: linear probing, deletion by backward shift (no tombstones, so a set
 * that sees many inserts and removes never fills up with dead slots) ---- */

static size_t ps_home(const stub_ptrset *s, uintptr_t key)
{
    /* Heap pointers are 16-byte aligned: drop the low bits, then spread (Fibonacci hash). */
    uint64_t h = ((uint64_t)key >> 4) * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> 32) & (s->cap - 1);
}

static stub_ptrslot *ps_find(const stub_ptrset *s, uintptr_t key)
{
    if (s->cap == 0 || key == 0) /* 0 is the empty slot, never a key */
        return NULL;
    for (size_t i = ps_home(s, key);; i = (i + 1) & (s->cap - 1)) {
        if (s->slots[i].key == key)
            return &s->slots[i];
        if (s->slots[i].key == 0)
            return NULL;
    }
}

/* Places a key known to be absent, in a set with room. */
static void ps_place(stub_ptrset *s, stub_ptrslot slot)
{
    size_t i = ps_home(s, slot.key);
    while (s->slots[i].key != 0)
        i = (i + 1) & (s->cap - 1);
    s->slots[i] = slot;
    s->len++;
}

/* Inserts or updates; 0, or -1 when growing fails. Keeps the load at most one half. */
static int ps_put(stub_ptrset *s, uintptr_t key, size_t value, uint64_t tag)
{
    stub_ptrslot *hit = ps_find(s, key);
    if (hit != NULL) {
        hit->value = value;
        hit->tag = tag;
        return 0;
    }
    if ((s->len + 1) * 2 > s->cap) {
        stub_ptrset bigger = {0};
        bigger.cap = s->cap ? s->cap * 2 : 64;
        bigger.slots = calloc(bigger.cap, sizeof *bigger.slots);
        if (bigger.slots == NULL)
            return -1;
        for (size_t i = 0; i < s->cap; i++)
            if (s->slots[i].key != 0)
                ps_place(&bigger, s->slots[i]);
        free(s->slots);
        *s = bigger;
    }
    ps_place(s, (stub_ptrslot){key, value, tag});
    return 0;
}

/* 1 if the key was there. */
static int ps_remove(stub_ptrset *s, uintptr_t key)
{
    stub_ptrslot *hit = ps_find(s, key);
    if (hit == NULL)
        return 0;
    size_t mask = s->cap - 1;
    size_t hole = (size_t)(hit - s->slots);
    for (size_t j = (hole + 1) & mask; s->slots[j].key != 0; j = (j + 1) & mask) {
        /* The entry at j may move into the hole unless its home lies cyclically in
         * (hole, j]: then the hole is not on its probe path. */
        size_t home = ps_home(s, s->slots[j].key);
        int stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (!stays) {
            s->slots[hole] = s->slots[j];
            hole = j;
        }
    }
    s->slots[hole].key = 0;
    s->len--;
    return 1;
}

/* ---- buffer tracker ---- */

void *stub_track_alloc(stub_tracker *t, size_t size)
{
    return stub_track_alloc_tagged(t, size, 0);
}

void *stub_track_alloc_tagged(stub_tracker *t, size_t size, uint64_t tag)
{
    void *p = malloc(size ? size : 1); /* a zero-byte request still gets a distinct pointer */
    if (p == NULL)
        return NULL;
    if (ps_put(&t->live, (uintptr_t)p, size, tag) != 0) {
        free(p);
        return NULL;
    }
    ps_remove(&t->freed, (uintptr_t)p); /* handed out again: no longer "freed" */
    t->allocs++;
    t->outstanding++;
    return p;
}

stub_free_result stub_track_free(stub_tracker *t, void *p)
{
    uintptr_t key = (uintptr_t)p;
    if (ps_remove(&t->live, key)) {
        free(p);
        /* Best effort: if this insert fails, a later double free reads as foreign. */
        (void)ps_put(&t->freed, key, 0, 0);
        t->frees++;
        t->outstanding--;
        return STUB_FREE_OK;
    }
    if (ps_find(&t->freed, key) != NULL) {
        t->double_frees++;
        return STUB_FREE_DOUBLE;
    }
    t->foreign_frees++;
    return STUB_FREE_FOREIGN;
}

void *stub_track_realloc(stub_tracker *t, void *p, size_t size)
{
    uintptr_t old = (uintptr_t)p;
    const stub_ptrslot *slot = ps_find(&t->live, old);
    uint64_t tag = slot ? slot->tag : 0;
    void *q = realloc(p, size ? size : 1);
    if (q == NULL)
        return NULL;
    if ((uintptr_t)q != old) {
        ps_remove(&t->live, old);
        (void)ps_put(&t->freed, old, 0, 0);
        ps_remove(&t->freed, (uintptr_t)q);
    }
    /* Cannot fail: either q is p (an update) or p's slot was just given up. */
    (void)ps_put(&t->live, (uintptr_t)q, size, tag);
    return q;
}

int stub_track_size(const stub_tracker *t, const void *p, size_t *size)
{
    const stub_ptrslot *hit = ps_find(&t->live, (uintptr_t)p);
    if (hit != NULL)
        *size = hit->value;
    return hit != NULL;
}

int stub_track_tag(const stub_tracker *t, const void *p, uint64_t *tag)
{
    const stub_ptrslot *hit = ps_find(&t->live, (uintptr_t)p);
    if (hit != NULL)
        *tag = hit->tag;
    return hit != NULL;
}

void stub_track_reset_counters(stub_tracker *t)
{
    t->allocs = t->frees = t->double_frees = t->foreign_frees = 0;
}

/* ---- wide strings ---- */

int stub_wempty(const wchar_t *s)
{
    return s == NULL || s[0] == L'\0';
}

size_t stub_wlen(const wchar_t *s)
{
    return s ? wcslen(s) : 0;
}

const wchar_t *stub_wskip_backslashes(const wchar_t *s)
{
    while (s != NULL && *s == L'\\')
        s++;
    return s;
}

/* Not wcscasecmp/_wcsicmp: neither exists on both targets. */
static wint_t fold(wchar_t c)
{
    if (c >= L'A' && c <= L'Z')
        return (wint_t)(c - L'A' + L'a');
    return towlower((wint_t)c);
}

int stub_wname_eq(const wchar_t *a, const wchar_t *b, int strip_backslashes)
{
    if (a == NULL || b == NULL)
        return a == b;
    if (strip_backslashes) {
        a = stub_wskip_backslashes(a);
        b = stub_wskip_backslashes(b);
    }
    for (; *a != L'\0' && *b != L'\0'; a++, b++)
        if (fold(*a) != fold(*b))
            return 0;
    return *a == *b;
}

int stub_wprefix_eq(const wchar_t *s, const wchar_t *prefix)
{
    if (s == NULL || prefix == NULL)
        return prefix == NULL || *prefix == L'\0';
    for (; *prefix != L'\0'; s++, prefix++)
        if (*s == L'\0' || fold(*s) != fold(*prefix))
            return 0;
    return 1;
}

wchar_t *stub_wdup(const wchar_t *s)
{
    if (s == NULL)
        return NULL;
    size_t bytes = (wcslen(s) + 1) * sizeof(wchar_t);
    wchar_t *copy = malloc(bytes);
    if (copy != NULL)
        memcpy(copy, s, bytes);
    return copy;
}

wchar_t *stub_wcopy(wchar_t *dst, const wchar_t *s)
{
    size_t n = wcslen(s) + 1;
    memcpy(dst, s, n * sizeof(wchar_t));
    return dst + n;
}

/* ---- servers ---- */

int stub_servers_find(const stub_servers *s, const wchar_t *name, uint32_t *id)
{
    if (stub_wempty(name) || stub_wname_eq(name, STUB_LOCAL_SERVER, 1)) {
        *id = 0;
        return 1;
    }
    for (uint32_t i = 0; i < s->count; i++) {
        if (stub_wname_eq(name, s->names[i], 1)) {
            *id = i + 1;
            return 1;
        }
    }
    return 0;
}

int64_t stub_servers_add(stub_servers *s, const wchar_t *name)
{
    uint32_t id;
    if (stub_servers_find(s, name, &id))
        return id;
    wchar_t **grown = stub_grow(s->names, &s->cap, s->count + 1, sizeof *grown);
    if (grown == NULL)
        return -1;
    s->names = grown;
    if ((s->names[s->count] = stub_wdup(name)) == NULL)
        return -1;
    return ++s->count;
}

int32_t stub_servers_add_locked(stub_mutex *m, stub_servers *s, const wchar_t *name)
{
    if (stub_wempty(name))
        return -1;
    stub_lock(m);
    int64_t id = stub_servers_add(s, name);
    stub_unlock(m);
    return id < 0 ? -1 : 0;
}

void stub_servers_clear(stub_servers *s)
{
    for (uint32_t i = 0; i < s->count; i++)
        free(s->names[i]);
    s->count = 0;
}

/* ---- scheduled events ---- */

int stub_schedule_add(stub_schedule *s, uint32_t call_no, uint32_t kind, uint32_t arg0,
                      uint32_t arg1)
{
    if (s->count >= STUB_MAX_EVENTS)
        return -1;
    stub_event *e = &s->events[s->count++];
    e->call_no = call_no;
    e->kind = kind;
    e->args[0] = arg0;
    e->args[1] = arg1;
    return 0;
}

int stub_schedule_take(stub_schedule *s, uint32_t call_no, stub_event *out)
{
    for (uint32_t i = 0; i < s->count; i++) {
        if (s->events[i].call_no != call_no)
            continue;
        *out = s->events[i];
        /* Shift the rest down so events keep the order they were scheduled in. */
        memmove(&s->events[i], &s->events[i + 1], (s->count - i - 1) * sizeof(stub_event));
        s->count--;
        return 1;
    }
    return 0;
}

void stub_schedule_clear(stub_schedule *s)
{
    s->count = 0;
}

/* ---- per-server delays (test-only; see stubcommon.h) ---- */

void stub_sleep_ms(uint32_t ms)
{
#ifdef _WIN32
    Sleep(ms);
#else
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
#endif
}

void stub_delay_server(stub_mutex *m, const uint32_t *delays, uint32_t id)
{
    if (id >= STUB_MAX_DELAYS || delays[id] == 0)
        return;
    uint32_t ms = delays[id];
    stub_unlock(m);
    stub_sleep_ms(ms);
    stub_lock(m);
}

int32_t stub_set_delay_locked(stub_mutex *m, const stub_servers *s, uint32_t *delays,
                              const wchar_t *name, uint32_t ms)
{
    uint32_t id;
    int32_t result = -1;
    stub_lock(m);
    if (stub_servers_find(s, name, &id) && id < STUB_MAX_DELAYS) {
        delays[id] = ms;
        result = 0;
    }
    stub_unlock(m);
    return result;
}
