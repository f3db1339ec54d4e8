/* Shared by the layout_*.c programs: prints structure layouts as one JSON object,
 * {"NAME": {"size": n, "fields": {"member": offset, ...}}, ...}, on a line of its own.
 * Header-only, since each layout program is a single file built against the SDK headers. */
#ifndef LAYOUTJSON_H
#define LAYOUTJSON_H

#include <fcntl.h>
#include <io.h>
#include <stddef.h>
#include <stdio.h>

typedef struct member {
    const char *name;
    size_t offset;
} member;

typedef struct layout {
    const char *name;
    size_t size;
    const member *members;
    size_t count;
} layout;

/* LAYOUT_OF(name, T, members) with `members` a static array of member. */
#define LAYOUT_OF(name, T, members) {name, sizeof(T), members, sizeof members / sizeof(member)}

static void print_layouts(const layout *const *layouts, size_t n)
{
    _setmode(_fileno(stdout), _O_BINARY); /* plain \n, whatever reads the pipe */
    printf("{");
    for (size_t i = 0; i < n; i++) {
        const layout *l = layouts[i];
        printf("%s\"%s\": {\"size\": %u, \"fields\": {", i ? ", " : "", l->name,
               (unsigned)l->size);
        for (size_t j = 0; j < l->count; j++)
            printf("%s\"%s\": %u", j ? ", " : "", l->members[j].name,
                   (unsigned)l->members[j].offset);
        printf("}}");
    }
    printf("}\n");
}

#endif
