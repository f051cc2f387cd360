/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c list`: the containers under the state root, as runc's table, JSON or ids. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runsc/container.h"
#include "runsc/runsc.h"

enum { LIST_COLS = 6 };

/*
 * Prints rows like Go's tabwriter with runc's settings (minwidth 12, padding 3,
 * spaces): every column but the last is as wide as its widest cell plus 3, and
 * at least 12.
 */
static void print_table(char *cells[][LIST_COLS], size_t rows)
{
    size_t width[LIST_COLS] = { 0 };

    for (size_t r = 0; r < rows; r++) {
        for (int c = 0; c < LIST_COLS; c++) {
            size_t w = strlen(cells[r][c]) + 3;

            if (w > width[c])
                width[c] = w;
        }
    }
    for (size_t r = 0; r < rows; r++) {
        for (int c = 0; c < LIST_COLS - 1; c++)
            printf("%-*s", (int)(width[c] < 12 ? 12 : width[c]), cells[r][c]);
        printf("%s\n", cells[r][LIST_COLS - 1]);
    }
}

static void list_table(struct container_meta **list, size_t n)
{
    char *(*cells)[LIST_COLS] = xcalloc(n + 1, sizeof(*cells));
    static const char *const header[LIST_COLS] = { "ID",     "PID",     "STATUS",
                                                   "BUNDLE", "CREATED", "OWNER" };

    for (int c = 0; c < LIST_COLS; c++)
        cells[0][c] = xstrdup(header[c]);
    for (size_t i = 0; i < n; i++) {
        const struct container_meta *m = list[i];

        cells[i + 1][0] = xstrdup(m->id);
        cells[i + 1][1] = xasprintf("%d", m->status == CONTAINER_STOPPED ? 0 : (int)m->waiter_pid);
        cells[i + 1][2] = xstrdup(container_status_name(m->status));
        cells[i + 1][3] = xstrdup(m->bundle ? m->bundle : "");
        cells[i + 1][4] = xstrdup(m->created ? m->created : "");
        cells[i + 1][5] = container_owner_name(m->owner);
    }
    print_table(cells, n + 1);
    for (size_t r = 0; r < n + 1; r++) {
        for (int c = 0; c < LIST_COLS; c++)
            free(cells[r][c]);
    }
    free(cells);
}

static void list_json(struct container_meta **list, size_t n)
{
    struct strbuf sb = STRBUF_INIT;

    strbuf_append_char(&sb, '[');
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *s = container_state_json(list[i], /*pretty=*/false);

        if (i > 0)
            strbuf_append_char(&sb, ',');
        strbuf_append(&sb, s);
    }
    strbuf_append_char(&sb, ']');
    printf("%s\n", strbuf_str(&sb));
    strbuf_release(&sb);
}

int cmd_list(struct runsc_global_opts *g, int argc, char **argv, rt_error_t *err)
{
    static const struct option opts[] = {
        { "format", required_argument, NULL, 'f' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct container_meta **list = NULL;
    const char *format = "table";
    bool quiet = false;
    size_t n = 0;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":f:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            format = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            runsc_print_command_help(argv[0]);
            return 0;
        case ':':
            return rt_make_error(err, 0, "list: option `%s` needs a value", argv[optind - 1]);
        default:
            return rt_make_error(err, 0, "list: unknown option `%s`", argv[optind - 1]);
        }
    }
    if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
        return rt_make_error(err, 0, "list: invalid format `%s` (table or json)", format);
    if (optind < argc)
        return rt_make_error(err, 0, "list: takes no arguments (got `%s`)", argv[optind]);
    if (container_list(g->root, &list, &n, err) < 0)
        return rt_error_wrap(err, "listing containers in `%s`", g->root);

    if (quiet) {
        for (size_t i = 0; i < n; i++)
            printf("%s\n", list[i]->id);
    } else if (strcmp(format, "json") == 0) {
        list_json(list, n);
    } else {
        list_table(list, n);
    }
    container_meta_list_free(list, n);
    return 0;
}
