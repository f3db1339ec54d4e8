/* COM+ Event System stand-in: an in-process COM server (CEventSystem, CEventSubscription)
 * that stores subscriptions and fires ISensLogon2 methods at their sinks on request, so a
 * SENS subscriber can be tested under Wine, which has no event system. Windows only.
 * The contract is the last section of stubs/README.md; the facts are in
 * shared/reference/SENS.md. The interfaces are declared here (not from eventsys.h) in their
 * exact slot order, and the GUIDs are defined here: mingw-w64's import libraries lack them.
 *
 * Locking: one stub_mutex guards the store and every subscription's properties. Sinks are
 * only AddRef'd under it; they are called and Released outside it. */
#ifndef _WIN32
#  error "eventsystem_standin is a Windows COM server; build it with mingw-w64"
#endif

#include "common/stubcommon.h"

#include <ole2.h>
#include <oleauto.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

_Static_assert(EVENT_E_QUERYSYNTAX == (HRESULT)0x80040203L, "winerror.h");
#define PROGID_SUBSCRIPTION L"EventSystem.EventSubscription"
#define MAX_FIRE_THREADS 256

/* ID(name, {d1-d2-d3-d4-d5}) as the registry spells the GUID. */
#define BYTE_AT(v, shift) ((unsigned char)((v) >> (shift)))
#define ID(name, d1, d2, d3, d4, d5)                                                       \
    static const GUID name = {d1, d2, d3,                                                  \
                              {BYTE_AT(d4, 8), BYTE_AT(d4, 0), BYTE_AT(d5, 40),            \
                               BYTE_AT(d5, 32), BYTE_AT(d5, 24), BYTE_AT(d5, 16),          \
                               BYTE_AT(d5, 8), BYTE_AT(d5, 0)}}
ID(CLSID_CEventSystem, 0x4E14FBA2, 0x2E22, 0x11D1, 0x9964, 0x00C04FBBB345);
ID(IID_IEventSystem, 0x4E14FB9F, 0x2E22, 0x11D1, 0x9964, 0x00C04FBBB345);
ID(CLSID_CEventSubscription, 0x7542E960, 0x79C7, 0x11D1, 0x88F9, 0x0080C7D771BF);
ID(IID_IEventSubscription, 0x4A6B0E15, 0x2E38, 0x11D1, 0x9965, 0x00C04FBBB345);
ID(SENSGUID_EVENTCLASS_LOGON2, 0xD5978650, 0x5B9F, 0x11D1, 0x8DD2, 0x00AA004ABD5E);
ID(IID_ISensLogon2, 0xD597BAB4, 0x5B9F, 0x11D1, 0x8DD2, 0x00AA004ABD5E);
#undef ID

/* ---- interfaces, slot for slot. `This` is void *: the two objects share one
 * implementation of slots 0-6. ---- */
#define DISPATCH_SLOTS                                                                     \
    HRESULT(STDMETHODCALLTYPE *QueryInterface)(void *This, REFIID riid, void **out);        \
    ULONG(STDMETHODCALLTYPE *AddRef)(void *This);                                          \
    ULONG(STDMETHODCALLTYPE *Release)(void *This);                                         \
    HRESULT(STDMETHODCALLTYPE *GetTypeInfoCount)(void *This, UINT *count);                  \
    HRESULT(STDMETHODCALLTYPE *GetTypeInfo)(void *This, UINT index, LCID lcid,              \
                                            ITypeInfo **info);                             \
    HRESULT(STDMETHODCALLTYPE *GetIDsOfNames)(void *This, REFIID riid, LPOLESTR *names,     \
                                              UINT count, LCID lcid, DISPID *ids);         \
    HRESULT(STDMETHODCALLTYPE *Invoke)(void *This, DISPID id, REFIID riid, LCID lcid,       \
                                       WORD flags, DISPPARAMS *params, VARIANT *result,    \
                                       EXCEPINFO *excep, UINT *arg_err);

typedef struct EventSystemVtbl {
    DISPATCH_SLOTS
    HRESULT(STDMETHODCALLTYPE *Query)(void *This, BSTR progID, BSTR criteria, int *err_index,
                                      IUnknown **out);
    HRESULT(STDMETHODCALLTYPE *Store)(void *This, BSTR progID, IUnknown *obj);
    HRESULT(STDMETHODCALLTYPE *Remove)(void *This, BSTR progID, BSTR criteria, int *err_index);
    HRESULT(STDMETHODCALLTYPE *get_EventObjectChangeEventClassID)(void *This, BSTR *out);
    HRESULT(STDMETHODCALLTYPE *QueryS)(void *This, BSTR progID, BSTR criteria, IUnknown **out);
    HRESULT(STDMETHODCALLTYPE *RemoveS)(void *This, BSTR progID, BSTR criteria);
} EventSystemVtbl;

#define PROPERTY_SLOTS(name, type)                                                         \
    HRESULT(STDMETHODCALLTYPE *get_##name)(void *This, type *out);                         \
    HRESULT(STDMETHODCALLTYPE *put_##name)(void *This, type value);
/* Get/Put{Publisher,Subscriber}Property and Remove...Property / Get...PropertyCollection
 * (the collection is an IEventObjectCollection, never handed out here). */
typedef HRESULT(STDMETHODCALLTYPE *PropertyValueFn)(void *This, BSTR name, VARIANT *value);
typedef HRESULT(STDMETHODCALLTYPE *PropertyRemoveFn)(void *This, BSTR name);
typedef HRESULT(STDMETHODCALLTYPE *PropertyCollectionFn)(void *This, IUnknown **collection);
#define PROPERTY_CALL_SLOTS(who)                                                           \
    PropertyValueFn Get##who##Property, Put##who##Property;                                \
    PropertyRemoveFn Remove##who##Property;                                                \
    PropertyCollectionFn Get##who##PropertyCollection;

typedef struct EventSubscriptionVtbl {
    DISPATCH_SLOTS
    PROPERTY_SLOTS(SubscriptionID, BSTR)            /* 7, 8 */
    PROPERTY_SLOTS(SubscriptionName, BSTR)          /* 9, 10 */
    PROPERTY_SLOTS(PublisherID, BSTR)               /* 11, 12 */
    PROPERTY_SLOTS(EventClassID, BSTR)              /* 13, 14 */
    PROPERTY_SLOTS(MethodName, BSTR)                /* 15, 16 */
    PROPERTY_SLOTS(SubscriberCLSID, BSTR)           /* 17, 18 */
    PROPERTY_SLOTS(SubscriberInterface, IUnknown *) /* 19, 20 */
    PROPERTY_SLOTS(PerUser, BOOL)                   /* 21, 22 */
    PROPERTY_SLOTS(OwnerSID, BSTR)                  /* 23, 24 */
    PROPERTY_SLOTS(Enabled, BOOL)                   /* 25, 26 */
    PROPERTY_SLOTS(Description, BSTR)               /* 27, 28 */
    PROPERTY_SLOTS(MachineName, BSTR)               /* 29, 30 */
    PROPERTY_CALL_SLOTS(Publisher)                  /* 31-34 */
    PROPERTY_CALL_SLOTS(Subscriber)                 /* 35-38 */
    PROPERTY_SLOTS(InterfaceID, BSTR)               /* 39, 40 */
} EventSubscriptionVtbl;

/* The sink side: what the event system calls. */
typedef HRESULT(STDMETHODCALLTYPE *SensMethodFn)(void *This, BSTR user, DWORD session_id);
typedef struct SensLogon2Vtbl {
    DISPATCH_SLOTS
    SensMethodFn Logon, Logoff, SessionDisconnect, SessionReconnect, PostShell; /* 7-11 */
} SensLogon2Vtbl;

#define SLOT(vtbl, member) (offsetof(vtbl, member) / sizeof(void *))
_Static_assert(SLOT(EventSystemVtbl, RemoveS) == 12, "IEventSystem slot order");
_Static_assert(SLOT(EventSubscriptionVtbl, put_MachineName) == 30, "IEventSubscription");
_Static_assert(SLOT(EventSubscriptionVtbl, GetSubscriberProperty) == 35, "IEventSubscription");
_Static_assert(SLOT(EventSubscriptionVtbl, put_InterfaceID) == 40, "IEventSubscription");
_Static_assert(SLOT(SensLogon2Vtbl, PostShell) == 11, "ISensLogon2 slot order");

/* stub_sens_fire's method numbers 1-5 are the DISPIDs, in vtable order. */
static const struct {
    const wchar_t *name;
    size_t offset;
} sens_methods[] = {
    {L"Logon", offsetof(SensLogon2Vtbl, Logon)},
    {L"Logoff", offsetof(SensLogon2Vtbl, Logoff)},
    {L"SessionDisconnect", offsetof(SensLogon2Vtbl, SessionDisconnect)},
    {L"SessionReconnect", offsetof(SensLogon2Vtbl, SessionReconnect)},
    {L"PostShell", offsetof(SensLogon2Vtbl, PostShell)},
};
#define SENS_METHODS ((int32_t)(sizeof sens_methods / sizeof sens_methods[0]))

/* ---- state ---- */
/* Interlocked, not under the lock: the counts DllCanUnloadNow and the tests read. */
static volatile LONG live_objects; /* event system + subscription objects */
static volatile LONG sink_refs;    /* references held on sinks */
static volatile LONG server_locks; /* LockServer + class factory references */

static LONG read_counter(volatile LONG *c)
{
    return InterlockedCompareExchange(c, 0, 0);
}

typedef struct Subscription Subscription;

typedef struct StoreEntry {
    GUID id; /* the SubscriptionID at Store time */
    Subscription *sub;
} StoreEntry;

static stub_mutex lock = STUB_MUTEX_INIT;
static struct {
    StoreEntry *items; /* in store order */
    uint32_t count, cap;
    uint32_t store_calls;
} store;

/* ---- references on sinks, counted for stub_sens_sink_refs ---- */
static void sink_addref(IUnknown *sink)
{
    sink->lpVtbl->AddRef(sink);
    InterlockedIncrement(&sink_refs);
}

static void sink_release(IUnknown *sink)
{
    if (sink == NULL)
        return;
    sink->lpVtbl->Release(sink);
    InterlockedDecrement(&sink_refs);
}

static HRESULT sink_query(IUnknown *sink, REFIID iid, void **out)
{
    *out = NULL;
    HRESULT hr = sink->lpVtbl->QueryInterface(sink, iid, out);
    if (SUCCEEDED(hr) && *out == NULL)
        return E_POINTER; /* a broken sink: success without an interface */
    if (SUCCEEDED(hr))
        InterlockedIncrement(&sink_refs);
    return hr;
}

/* ---- strings ---- */
static int bstr_is(BSTR b, const wchar_t *literal)
{
    return b != NULL && SysStringLen(b) == wcslen(literal) && stub_wname_eq(b, literal, 0);
}

/* NULL stays NULL (an unset property); the length prefix is kept, embedded NULs too. */
static HRESULT bstr_copy(BSTR src, BSTR *dst)
{
    *dst = NULL;
    if (src != NULL && (*dst = SysAllocStringLen(src, SysStringLen(src))) == NULL)
        return E_OUTOFMEMORY;
    return S_OK;
}

static int hex_value(wchar_t c)
{
    if (c >= L'0' && c <= L'9')
        return c - L'0';
    if (c >= L'a' && c <= L'f')
        return c - L'a' + 10;
    if (c >= L'A' && c <= L'F')
        return c - L'A' + 10;
    return -1;
}

/* Parses a braced GUID at the start of s[0..len). Returns how many characters matched: all
 * 38 and *g on success, else the offset of the first bad one. */
static size_t parse_guid(const wchar_t *s, size_t len, GUID *g)
{
    static const char pattern[] = "{hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh}";
    unsigned char b[16] = {0}; /* the 32 digits in text order */
    size_t digits = 0, i;
    for (i = 0; i < sizeof pattern - 1 && i < len; i++) {
        int v = hex_value(s[i]);
        if (pattern[i] == 'h' ? v < 0 : s[i] != (wchar_t)pattern[i])
            return i;
        if (pattern[i] == 'h') {
            b[digits / 2] = (unsigned char)(b[digits / 2] << 4 | v);
            digits++;
        }
    }
    if (i < sizeof pattern - 1)
        return i;
    g->Data1 = (DWORD)b[0] << 24 | (DWORD)b[1] << 16 | (DWORD)b[2] << 8 | b[3];
    g->Data2 = (WORD)(b[4] << 8 | b[5]);
    g->Data3 = (WORD)(b[6] << 8 | b[7]);
    memcpy(g->Data4, b + 8, 8);
    return i;
}

/* A BSTR that is exactly a braced GUID. */
static int bstr_guid(BSTR s, GUID *g)
{
    size_t len = s == NULL ? 0 : SysStringLen(s);
    return len == 38 && parse_guid(s, len, g) == 38;
}

/* ---- the objects' common part: identity, reference count, the IIDs they answer ---- */
typedef struct ComObject ComObject;
typedef struct ComKind {
    const void *vtbl;
    const IID *iid; /* answered besides IUnknown and IDispatch */
    size_t size;
    void (*init)(ComObject *o);    /* may be NULL */
    void (*destroy)(ComObject *o); /* may be NULL; the memory is freed after it */
} ComKind;

struct ComObject {
    const void *vtbl; /* first: a pointer to the object is its interface pointer */
    const ComKind *kind;
    volatile LONG refs;
};

static ULONG STDMETHODCALLTYPE com_AddRef(void *This)
{
    return (ULONG)InterlockedIncrement(&((ComObject *)This)->refs);
}

static ULONG STDMETHODCALLTYPE com_Release(void *This)
{
    ComObject *o = This;
    LONG refs = InterlockedDecrement(&o->refs);
    if (refs == 0) {
        if (o->kind->destroy != NULL)
            o->kind->destroy(o);
        free(o);
        InterlockedDecrement(&live_objects);
    }
    return (ULONG)refs;
}

static HRESULT STDMETHODCALLTYPE com_QueryInterface(void *This, REFIID riid, void **out)
{
    ComObject *o = This;
    if (out == NULL)
        return E_POINTER;
    *out = NULL;
    if (riid == NULL)
        return E_INVALIDARG;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IDispatch) &&
        !IsEqualIID(riid, o->kind->iid))
        return E_NOINTERFACE;
    com_AddRef(o);
    *out = o;
    return S_OK;
}

/* No type information: callers bind through the vtable. */
static HRESULT STDMETHODCALLTYPE com_GetTypeInfoCount(void *This, UINT *count)
{
    (void)This;
    if (count == NULL)
        return E_POINTER;
    *count = 0;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE com_GetTypeInfo(void *This, UINT index, LCID lcid,
                                                 ITypeInfo **info)
{
    (void)This, (void)index, (void)lcid;
    if (info != NULL)
        *info = NULL;
    return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE com_GetIDsOfNames(void *This, REFIID riid, LPOLESTR *names,
                                                   UINT count, LCID lcid, DISPID *ids)
{
    (void)This, (void)riid, (void)names, (void)count, (void)lcid, (void)ids;
    return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE com_Invoke(void *This, DISPID id, REFIID riid, LCID lcid,
                                            WORD flags, DISPPARAMS *params, VARIANT *result,
                                            EXCEPINFO *excep, UINT *arg_err)
{
    (void)This, (void)id, (void)riid, (void)lcid, (void)flags, (void)params, (void)result,
        (void)excep, (void)arg_err;
    return E_NOTIMPL;
}

#define DISPATCH_IMPL                                                                      \
    .QueryInterface = com_QueryInterface, .AddRef = com_AddRef, .Release = com_Release,    \
    .GetTypeInfoCount = com_GetTypeInfoCount, .GetTypeInfo = com_GetTypeInfo,             \
    .GetIDsOfNames = com_GetIDsOfNames, .Invoke = com_Invoke

/* A new object of kind, QI'd for riid; the caller's reference is the only one. */
static HRESULT com_create(const ComKind *kind, REFIID riid, void **out)
{
    ComObject *o = calloc(1, kind->size);
    if (o == NULL)
        return E_OUTOFMEMORY;
    o->vtbl = kind->vtbl;
    o->kind = kind;
    o->refs = 1;
    InterlockedIncrement(&live_objects);
    if (kind->init != NULL)
        kind->init(o);
    HRESULT hr = com_QueryInterface(o, riid, out);
    com_Release(o); /* on failure this destroys it */
    return hr;
}

/* ---- CEventSubscription ---- */
/* X(name): the BSTR properties, each a copy kept under the lock. */
#define BSTR_PROPERTIES(X)                                                                 \
    X(SubscriptionID) X(SubscriptionName) X(PublisherID) X(EventClassID) X(MethodName)     \
    X(SubscriberCLSID) X(OwnerSID) X(Description) X(MachineName) X(InterfaceID)
/* X(name, default) */
#define BOOL_PROPERTIES(X) X(PerUser, FALSE) X(Enabled, TRUE)

enum {
#define X(name) TEXT_##name,
    BSTR_PROPERTIES(X)
#undef X
    TEXT_COUNT
};
enum {
#define X(name, default) FLAG_##name,
    BOOL_PROPERTIES(X)
#undef X
    FLAG_COUNT
};

struct Subscription {
    ComObject com;
    BSTR text[TEXT_COUNT]; /* NULL when unset */
    BOOL flag[FLAG_COUNT];
    IUnknown *sink; /* SubscriberInterface, AddRef'd (counted in sink_refs) */
};

static HRESULT sub_get_text(void *This, int which, BSTR *out)
{
    if (out == NULL)
        return E_POINTER;
    stub_lock(&lock);
    HRESULT hr = bstr_copy(((Subscription *)This)->text[which], out);
    stub_unlock(&lock);
    return hr;
}

static HRESULT sub_put_text(void *This, int which, BSTR value)
{
    BSTR copy, old;
    HRESULT hr = bstr_copy(value, &copy);
    if (FAILED(hr))
        return hr;
    stub_lock(&lock);
    old = ((Subscription *)This)->text[which];
    ((Subscription *)This)->text[which] = copy;
    stub_unlock(&lock);
    SysFreeString(old);
    return S_OK;
}

static HRESULT sub_get_flag(void *This, int which, BOOL *out)
{
    if (out == NULL)
        return E_POINTER;
    stub_lock(&lock);
    *out = ((Subscription *)This)->flag[which];
    stub_unlock(&lock);
    return S_OK;
}

static HRESULT sub_put_flag(void *This, int which, BOOL value)
{
    stub_lock(&lock);
    ((Subscription *)This)->flag[which] = value;
    stub_unlock(&lock);
    return S_OK;
}

/* get_<name>/put_<name> for every property of the two lists: kind is text or flag. */
#define ACCESSORS(name, type, kind, index)                                                 \
    static HRESULT STDMETHODCALLTYPE sub_get_##name(void *This, type *out)                 \
    {                                                                                      \
        return sub_get_##kind(This, index, out);                                           \
    }                                                                                      \
    static HRESULT STDMETHODCALLTYPE sub_put_##name(void *This, type value)                \
    {                                                                                      \
        return sub_put_##kind(This, index, value);                                         \
    }
#define X(name) ACCESSORS(name, BSTR, text, TEXT_##name)
BSTR_PROPERTIES(X)
#undef X
#define X(name, default) ACCESSORS(name, BOOL, flag, FLAG_##name)
BOOL_PROPERTIES(X)
#undef X

static HRESULT STDMETHODCALLTYPE sub_get_SubscriberInterface(void *This, IUnknown **out)
{
    if (out == NULL)
        return E_POINTER;
    stub_lock(&lock);
    if ((*out = ((Subscription *)This)->sink) != NULL)
        (*out)->lpVtbl->AddRef(*out); /* the caller's reference, not one of ours */
    stub_unlock(&lock);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE sub_put_SubscriberInterface(void *This, IUnknown *value)
{
    if (value != NULL)
        sink_addref(value);
    stub_lock(&lock);
    IUnknown *old = ((Subscription *)This)->sink;
    ((Subscription *)This)->sink = value;
    stub_unlock(&lock);
    sink_release(old);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE sub_property_value(void *This, BSTR name, VARIANT *value)
{
    (void)This, (void)name, (void)value;
    return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE sub_property_remove(void *This, BSTR name)
{
    (void)This, (void)name;
    return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE sub_property_collection(void *This, IUnknown **collection)
{
    (void)This;
    if (collection != NULL)
        *collection = NULL;
    return E_NOTIMPL;
}

static void sub_init(ComObject *o)
{
#define X(name, default) ((Subscription *)o)->flag[FLAG_##name] = default;
    BOOL_PROPERTIES(X)
#undef X
}

/* The last reference is gone, so nothing else can reach the object: no lock needed. */
static void sub_destroy(ComObject *o)
{
    Subscription *s = (Subscription *)o;
    for (int i = 0; i < TEXT_COUNT; i++)
        SysFreeString(s->text[i]);
    sink_release(s->sink);
}

static const EventSubscriptionVtbl subscription_vtbl = {
    DISPATCH_IMPL,
#define X(name) .get_##name = sub_get_##name, .put_##name = sub_put_##name,
    BSTR_PROPERTIES(X)
#undef X
#define X(name, default) .get_##name = sub_get_##name, .put_##name = sub_put_##name,
    BOOL_PROPERTIES(X)
#undef X
    .get_SubscriberInterface = sub_get_SubscriberInterface,
    .put_SubscriberInterface = sub_put_SubscriberInterface,
#define X(who)                                                                             \
    .Get##who##Property = sub_property_value, .Put##who##Property = sub_property_value,    \
    .Remove##who##Property = sub_property_remove,                                          \
    .Get##who##PropertyCollection = sub_property_collection,
    X(Publisher) X(Subscriber)
#undef X
};

static const ComKind subscription_kind = {&subscription_vtbl, &IID_IEventSubscription,
                                          sizeof(Subscription), sub_init, sub_destroy};

/* ---- the store ---- */
/* Takes the entry at i out of the store (keeping the order); its reference goes to the
 * caller, to Release outside the lock. */
static Subscription *store_take(uint32_t i)
{
    Subscription *sub = store.items[i].sub;
    memmove(store.items + i, store.items + i + 1, (store.count - i - 1) * sizeof *store.items);
    store.count--;
    return sub;
}

static int store_find(const GUID *id)
{
    for (uint32_t i = 0; i < store.count; i++)
        if (IsEqualGUID(&store.items[i].id, id))
            return (int)i;
    return -1;
}

/* ---- CEventSystem ---- */
static HRESULT STDMETHODCALLTYPE es_Query(void *This, BSTR progID, BSTR criteria,
                                          int *err_index, IUnknown **out)
{
    (void)This, (void)progID, (void)criteria, (void)err_index;
    if (out != NULL)
        *out = NULL;
    return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE es_Store(void *This, BSTR progID, IUnknown *obj)
{
    Subscription *sub = NULL, *old = NULL;
    GUID id;
    HRESULT hr = E_INVALIDARG;
    (void)This;
    stub_lock(&lock);
    store.store_calls++;
    stub_unlock(&lock);
    if (!bstr_is(progID, PROGID_SUBSCRIPTION) || obj == NULL)
        return E_INVALIDARG;
    /* The QI'd reference is the one the store keeps. */
    if (FAILED(obj->lpVtbl->QueryInterface(obj, &IID_IEventSubscription, (void **)&sub)) ||
        sub == NULL)
        return E_INVALIDARG;
    if (sub->com.vtbl != &subscription_vtbl) { /* someone else's subscription object */
        ((IUnknown *)sub)->lpVtbl->Release((IUnknown *)sub);
        return E_INVALIDARG;
    }
    stub_lock(&lock);
    int at = -1;
    StoreEntry *grown = NULL;
    if (!bstr_guid(sub->text[TEXT_SubscriptionID], &id))
        hr = E_INVALIDARG;
    else if ((at = store_find(&id)) >= 0) { /* storing an ID again replaces, in place */
        old = store.items[at].sub;
        store.items[at].sub = sub;
        hr = S_OK;
    } else if ((grown = stub_grow(store.items, &store.cap, store.count + 1, sizeof *grown)) ==
               NULL)
        hr = E_OUTOFMEMORY;
    else {
        store.items = grown;
        store.items[store.count++] = (StoreEntry){id, sub};
        hr = S_OK;
    }
    stub_unlock(&lock);
    if (FAILED(hr))
        com_Release(sub);
    if (old != NULL)
        com_Release(old);
    return hr;
}

/* "SubscriptionID={GUID}", spaces allowed around '=', the name and the GUID in any case.
 * Returns -1 and *id, or the offset of the first character that does not fit. */
static int parse_criteria(BSTR criteria, GUID *id)
{
    static const wchar_t key[] = L"SubscriptionID";
    size_t len = criteria == NULL ? 0 : SysStringLen(criteria), i = 0;
    for (; key[i] != 0; i++)
        if (i >= len || towlower(criteria[i]) != towlower(key[i]))
            return (int)i;
    while (i < len && criteria[i] == L' ')
        i++;
    if (i >= len || criteria[i] != L'=')
        return (int)i;
    for (i++; i < len && criteria[i] == L' '; i++)
        ;
    size_t matched = parse_guid(criteria + i, len - i, id);
    i += matched;
    if (matched != 38 || i != len)
        return (int)i;
    return -1;
}

static HRESULT STDMETHODCALLTYPE es_Remove(void *This, BSTR progID, BSTR criteria,
                                           int *err_index)
{
    GUID id;
    Subscription *removed = NULL;
    (void)This;
    if (!bstr_is(progID, PROGID_SUBSCRIPTION))
        return E_INVALIDARG;
    int bad = parse_criteria(criteria, &id);
    if (err_index != NULL)
        *err_index = bad;
    if (bad >= 0)
        return EVENT_E_QUERYSYNTAX;
    stub_lock(&lock);
    int at = store_find(&id);
    if (at >= 0)
        removed = store_take((uint32_t)at);
    stub_unlock(&lock);
    if (removed != NULL) {
        com_Release(removed);
        if (err_index != NULL)
            *err_index = 0;
    }
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE es_get_EventObjectChangeEventClassID(void *This, BSTR *out)
{
    (void)This;
    if (out != NULL)
        *out = NULL;
    return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE es_QueryS(void *This, BSTR progID, BSTR criteria,
                                           IUnknown **out)
{
    return es_Query(This, progID, criteria, NULL, out);
}

static HRESULT STDMETHODCALLTYPE es_RemoveS(void *This, BSTR progID, BSTR criteria)
{
    (void)This, (void)progID, (void)criteria;
    return E_NOTIMPL;
}

static const EventSystemVtbl event_system_vtbl = {
    DISPATCH_IMPL,
    .Query = es_Query,
    .Store = es_Store,
    .Remove = es_Remove,
    .get_EventObjectChangeEventClassID = es_get_EventObjectChangeEventClassID,
    .QueryS = es_QueryS,
    .RemoveS = es_RemoveS,
};

static const ComKind event_system_kind = {&event_system_vtbl, &IID_IEventSystem,
                                          sizeof(ComObject), NULL, NULL};

/* ---- class factories: static objects whose references count as server locks ---- */
typedef struct Factory {
    IClassFactory iface;
    const CLSID *clsid;
    const ComKind *kind;
} Factory;

static HRESULT STDMETHODCALLTYPE factory_QueryInterface(IClassFactory *This, REFIID riid,
                                                        void **out)
{
    if (out == NULL)
        return E_POINTER;
    *out = NULL;
    if (riid == NULL)
        return E_INVALIDARG;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IClassFactory))
        return E_NOINTERFACE;
    This->lpVtbl->AddRef(This);
    *out = This;
    return S_OK;
}

static ULONG STDMETHODCALLTYPE factory_AddRef(IClassFactory *This)
{
    (void)This;
    return (ULONG)InterlockedIncrement(&server_locks);
}

static ULONG STDMETHODCALLTYPE factory_Release(IClassFactory *This)
{
    (void)This;
    return (ULONG)InterlockedDecrement(&server_locks);
}

static HRESULT STDMETHODCALLTYPE factory_CreateInstance(IClassFactory *This, IUnknown *outer,
                                                        REFIID riid, void **out)
{
    if (out == NULL)
        return E_POINTER;
    *out = NULL;
    if (outer != NULL)
        return CLASS_E_NOAGGREGATION;
    return com_create(((Factory *)This)->kind, riid, out);
}

static HRESULT STDMETHODCALLTYPE factory_LockServer(IClassFactory *This, BOOL lock_it)
{
    (void)This;
    if (lock_it)
        InterlockedIncrement(&server_locks);
    else
        InterlockedDecrement(&server_locks);
    return S_OK;
}

static IClassFactoryVtbl factory_vtbl = {
    .QueryInterface = factory_QueryInterface,
    .AddRef = factory_AddRef,
    .Release = factory_Release,
    .CreateInstance = factory_CreateInstance,
    .LockServer = factory_LockServer,
};

static Factory factories[] = {
    {{&factory_vtbl}, &CLSID_CEventSystem, &event_system_kind},
    {{&factory_vtbl}, &CLSID_CEventSubscription, &subscription_kind},
};

STUB_API HRESULT WINAPI DllGetClassObject(REFCLSID rclsid, REFIID riid, LPVOID *out)
{
    if (out == NULL)
        return E_POINTER;
    *out = NULL;
    if (rclsid == NULL)
        return E_INVALIDARG;
    for (size_t i = 0; i < sizeof factories / sizeof factories[0]; i++)
        if (IsEqualCLSID(rclsid, factories[i].clsid))
            return factory_QueryInterface(&factories[i].iface, riid, out);
    return CLASS_E_CLASSNOTAVAILABLE;
}

STUB_API HRESULT WINAPI DllCanUnloadNow(void)
{
    int busy = read_counter(&live_objects) || read_counter(&server_locks) ||
               read_counter(&sink_refs);
    return busy ? S_FALSE : S_OK;
}

/* ---- firing ---- */
/* One call of sens_methods[index] on sink, through the vtable or through Invoke. */
static HRESULT call_sink(IUnknown *sink, int index, BSTR user, DWORD session_id,
                         int via_invoke)
{
    void *iface;
    HRESULT hr = sink_query(sink, via_invoke ? &IID_IDispatch : &IID_ISensLogon2, &iface);
    if (FAILED(hr))
        return hr;
    if (!via_invoke) {
        const char *vtbl = *(const char *const *)iface;
        SensMethodFn fn = *(const SensMethodFn *)(vtbl + sens_methods[index].offset);
        hr = fn(iface, user, session_id);
    } else {
        IDispatch *disp = iface;
        OLECHAR name[32]; /* GetIDsOfNames takes non-const names */
        LPOLESTR names[1] = {name};
        DISPID dispid = DISPID_UNKNOWN;
        VARIANT args[2]; /* reversed: [0] the session id, [1] the user name */
        DISPPARAMS params = {args, NULL, 2, 0};
        wcscpy(name, sens_methods[index].name);
        VariantInit(&args[0]);
        V_VT(&args[0]) = VT_UI4;
        V_UI4(&args[0]) = session_id;
        VariantInit(&args[1]);
        V_VT(&args[1]) = VT_BSTR;
        V_BSTR(&args[1]) = user; /* still ours: the caller frees it */
        hr = disp->lpVtbl->GetIDsOfNames(disp, &IID_NULL, names, 1, 0, &dispid);
        if (SUCCEEDED(hr))
            hr = disp->lpVtbl->Invoke(disp, dispid, &IID_NULL, 0, DISPATCH_METHOD, &params,
                                      NULL, NULL, NULL);
    }
    sink_release(iface);
    return hr;
}

/* stub_sens_fire with a checked method number: the matching sinks are collected (AddRef'd)
 * under the lock and called outside it, so a sink may Store or Remove. */
static int32_t fire(int32_t method, const wchar_t *user, uint32_t session_id, int via_invoke)
{
    int index = method - 1;
    IUnknown **sinks = NULL;
    uint32_t n = 0;
    GUID event_class;
    stub_lock(&lock);
    if (store.count > 0 && (sinks = malloc(store.count * sizeof *sinks)) == NULL) {
        stub_unlock(&lock);
        return E_OUTOFMEMORY;
    }
    for (uint32_t i = 0; i < store.count; i++) {
        Subscription *s = store.items[i].sub;
        if (s->flag[FLAG_Enabled] && s->sink != NULL &&
            bstr_guid(s->text[TEXT_EventClassID], &event_class) &&
            IsEqualGUID(&event_class, &SENSGUID_EVENTCLASS_LOGON2) &&
            bstr_is(s->text[TEXT_MethodName], sens_methods[index].name)) {
            sink_addref(s->sink);
            sinks[n++] = s->sink;
        }
    }
    stub_unlock(&lock);

    HRESULT first_failure = S_OK;
    int32_t called = 0;
    for (uint32_t i = 0; i < n; i++) {
        BSTR name = NULL; /* fresh per call: a sink may not keep or free ours */
        HRESULT hr = S_OK;
        if (user != NULL && (name = SysAllocString(user)) == NULL)
            hr = E_OUTOFMEMORY;
        else {
            hr = call_sink(sinks[i], index, name, session_id, via_invoke);
            called++;
        }
        SysFreeString(name);
        sink_release(sinks[i]);
        if (FAILED(hr) && SUCCEEDED(first_failure))
            first_failure = hr;
    }
    free(sinks);
    return FAILED(first_failure) ? (int32_t)first_failure : called;
}

static int fire_args_ok(int32_t method, int32_t via_invoke)
{
    return method >= 1 && method <= SENS_METHODS && (via_invoke == 0 || via_invoke == 1);
}

STUB_API int32_t stub_sens_fire(int32_t method, const wchar_t *user, uint32_t session_id,
                                int32_t via_invoke)
{
    if (!fire_args_ok(method, via_invoke))
        return E_INVALIDARG;
    return fire(method, user, session_id, via_invoke);
}

typedef struct FireJob {
    int32_t index, per_thread, method, via_invoke;
    int32_t calls;
    HRESULT failure;
} FireJob;

static DWORD WINAPI fire_thread(LPVOID arg)
{
    FireJob *job = arg;
    wchar_t user[16];
    swprintf(user, sizeof user / sizeof user[0], L"t%d", (int)job->index);
    for (int32_t seq = 0; seq < job->per_thread; seq++) {
        int32_t r = fire(job->method, user, (uint32_t)seq, job->via_invoke);
        if (r < 0) {
            if (SUCCEEDED(job->failure))
                job->failure = r;
        } else
            job->calls += r;
    }
    return 0;
}

STUB_API int32_t stub_sens_fire_many(int32_t threads, int32_t per_thread, int32_t method,
                                     int32_t via_invoke)
{
    if (!fire_args_ok(method, via_invoke) || threads < 1 || threads > MAX_FIRE_THREADS ||
        per_thread < 0)
        return E_INVALIDARG;
    FireJob jobs[MAX_FIRE_THREADS];
    HANDLE handles[MAX_FIRE_THREADS];
    HRESULT result = S_OK;
    int32_t started = 0, total = 0;
    for (; started < threads; started++) {
        jobs[started] = (FireJob){started, per_thread, method, via_invoke, 0, S_OK};
        handles[started] = CreateThread(NULL, 0, fire_thread, &jobs[started], 0, NULL);
        if (handles[started] == NULL) {
            result = HRESULT_FROM_WIN32(GetLastError());
            break;
        }
    }
    for (int32_t i = 0; i < started; i++) { /* joined one by one: no 64-handle limit */
        WaitForSingleObject(handles[i], INFINITE);
        CloseHandle(handles[i]);
        total += jobs[i].calls;
        if (FAILED(jobs[i].failure) && SUCCEEDED(result))
            result = jobs[i].failure;
    }
    return FAILED(result) ? (int32_t)result : total;
}

/* ---- counters ---- */
STUB_API int32_t stub_sens_subscriptions(void)
{
    return (int32_t)stub_locked_u32(&lock, &store.count);
}

STUB_API int32_t stub_sens_live_objects(void)
{
    return read_counter(&live_objects);
}

STUB_API int32_t stub_sens_sink_refs(void)
{
    return read_counter(&sink_refs);
}

STUB_API int32_t stub_sens_last_store_count(void)
{
    return (int32_t)stub_locked_u32(&lock, &store.store_calls);
}

STUB_API void stub_sens_reset(void)
{
    stub_lock(&lock);
    StoreEntry *items = store.items;
    uint32_t count = store.count;
    store.items = NULL;
    store.count = store.cap = 0;
    stub_unlock(&lock);
    for (uint32_t i = 0; i < count; i++)
        com_Release(items[i].sub);
    free(items);
}
