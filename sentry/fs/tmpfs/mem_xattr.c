/* SPDX-License-Identifier: Apache-2.0 */
/* Extended attributes in sentry memory: a list of (key, name, value) entries. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "common/cleanup.h"
#include "sentry/fs/tmpfs/tmpfs.h"

struct mem_xattr {
    uint64_t key;
    char *name;  /* owned */
    void *value; /* owned; NULL when size is 0 */
    size_t size;
    struct mem_xattr *next;
};

static struct mem_xattr **find(struct mem_xattr **head, uint64_t key, const char *name)
{
    for (struct mem_xattr **pp = head; *pp != NULL; pp = &(*pp)->next) {
        if ((*pp)->key == key && strcmp((*pp)->name, name) == 0)
            return pp;
    }
    return NULL;
}

static void entry_free(struct mem_xattr *x)
{
    free(x->name);
    free(x->value);
    free(x);
}

long mem_xattr_get(const struct mem_xattr *head, uint64_t key, const char *name, void *buf,
                   size_t size)
{
    const struct mem_xattr *x = head;

    while (x != NULL && (x->key != key || strcmp(x->name, name) != 0))
        x = x->next;
    if (x == NULL)
        return -ENODATA;
    if (size == 0)
        return (long)x->size;
    if (size < x->size)
        return -ERANGE;
    if (x->size > 0)
        memcpy(buf, x->value, x->size);
    return (long)x->size;
}

long mem_xattr_set(struct mem_xattr **head, uint64_t key, const char *name, const void *value,
                   size_t size, int flags)
{
    struct mem_xattr **pp = find(head, key, name), *x;
    cleanup_free void *copy = NULL;

    if (pp != NULL && (flags & XATTR_CREATE))
        return -EEXIST;
    if (pp == NULL && (flags & XATTR_REPLACE))
        return -ENODATA;
    if (size > 0) {
        if ((copy = malloc(size)) == NULL)
            return -ENOMEM;
        memcpy(copy, value, size);
    }
    if (pp != NULL) {
        free((*pp)->value);
        (*pp)->value = steal_pointer(&copy);
        (*pp)->size = size;
        return 0;
    }
    x = calloc(1, sizeof(*x));
    if (x == NULL || (x->name = strdup(name)) == NULL) {
        free(x);
        return -ENOMEM;
    }
    x->key = key;
    x->value = steal_pointer(&copy);
    x->size = size;
    x->next = *head;
    *head = x;
    return 0;
}

long mem_xattr_remove(struct mem_xattr **head, uint64_t key, const char *name)
{
    struct mem_xattr **pp = find(head, key, name), *x;

    if (pp == NULL)
        return -ENODATA;
    x = *pp;
    *pp = x->next;
    entry_free(x);
    return 0;
}

size_t mem_xattr_list(const struct mem_xattr *head, uint64_t key, char *buf, size_t size,
                      size_t len)
{
    for (const struct mem_xattr *x = head; x != NULL; x = x->next) {
        size_t n = strlen(x->name) + 1;

        if (x->key != key)
            continue;
        if (size != 0 && len + n <= size)
            memcpy(buf + len, x->name, n);
        len += n;
    }
    return len;
}

void mem_xattr_forget(struct mem_xattr **head, uint64_t key, bool all)
{
    for (struct mem_xattr **pp = head; *pp != NULL;) {
        struct mem_xattr *x = *pp;

        if (!all && x->key != key) {
            pp = &x->next;
            continue;
        }
        *pp = x->next;
        entry_free(x);
    }
}
