/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of specutils: hostile configs, a full round trip, defaults, pod roles, exec processes.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "specutils/specutils.h"
#include "tests/unit/tap.h"

/* A small valid config that the mutation cases start from. */
static const char g_base[] =
    "{\"ociVersion\":\"1.0.2\","
    "\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],\"cwd\":\"/\","
    "\"env\":[\"A=b\"],\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":10,\"soft\":10}]},"
    "\"root\":{\"path\":\"rootfs\"},"
    "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
    "{\"destination\":\"/dev\",\"type\":\"tmpfs\"}],"
    "\"hooks\":{\"prestart\":[{\"path\":\"/bin/true\"}]},"
    "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"uts\"}],"
    "\"resources\":{\"memory\":{\"limit\":1}},"
    "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
    "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}}"
    "}";

/* Returns 0 when `json` parses; else copies the error message into `msg`. */
static int try_parse(const char *json, size_t len, char *msg, size_t msg_size)
{
    rt_error_t err = NULL;
    struct spec *s = NULL;
    int ret = specutils_parse(json, len, &s, &err);

    snprintf(msg, msg_size, "%s", ret < 0 ? rt_error_msg(err) : "");
    if (ret < 0 && s != NULL)
        ret = 0; /* an error must not leave a spec behind: make the test fail */
    specutils_free(s);
    rt_error_release(&err);
    return ret;
}

static void expect_reject(const char *name, const char *json, size_t len, const char *want)
{
    char msg[512];
    int ret = try_parse(json, len, msg, sizeof(msg));

    tap_ok(ret < 0 && strstr(msg, want) != NULL, "%s: rejected naming `%s` (got \"%.300s\")", name,
           want, msg);
}

/* Sets (or deletes when value == NULL) the value at a "a.b[2].c" path of `root`. */
static void json_set_path(json_t *root, const char *path, const char *value)
{
    char buf[256];
    char *p = buf;
    json_t *cur = root;

    snprintf(buf, sizeof(buf), "%s", path);
    for (;;) {
        char key[128];
        size_t n = strcspn(p, ".[");
        long index = -1;
        json_t *next;
        bool last;

        memcpy(key, p, n);
        key[n] = '\0';
        p += n;
        if (*p == '[') {
            index = strtol(p + 1, &p, 10);
            p++; /* ']' */
        }
        last = *p == '\0';
        if (*p == '.')
            p++;
        if (index < 0) {
            if (last) {
                if (value == NULL)
                    json_object_del(cur, key);
                else
                    json_object_set_new(cur, key, json_loads(value, JSON_DECODE_ANY, NULL));
                return;
            }
            cur = json_object_get(cur, key);
            continue;
        }
        next = key[0] ? json_object_get(cur, key) : cur;
        if (last) {
            if (value == NULL)
                json_array_remove(next, (size_t)index);
            else if ((size_t)index == json_array_size(next))
                json_array_append_new(next, json_loads(value, JSON_DECODE_ANY, NULL));
            else
                json_array_set_new(next, (size_t)index, json_loads(value, JSON_DECODE_ANY, NULL));
            return;
        }
        cur = json_array_get(next, (size_t)index);
    }
}

struct mutation {
    const char *path;
    const char *value; /* JSON; NULL deletes */
};

struct mcase {
    const char *name;
    struct mutation m[3];
    const char *want;
};

static const struct mcase g_mcases[] = {
    { "empty args",
      { { "process.args", "[]" } },
      "process.args: must be a non-empty array of strings" },
    { "args not array",
      { { "process.args", "\"sh\"" } },
      "process.args: must be a non-empty array of strings" },
    { "args entry int",
      { { "process.args", "[\"a\",1]" } },
      "process.args[1]: must be a string, not an integer" },
    { "args missing", { { "process.args", NULL } }, "process.args: must be a non-empty array" },
    { "cwd missing", { { "process.cwd", NULL } }, "process.cwd: is required" },
    { "cwd relative", { { "process.cwd", "\"home\"" } }, "process.cwd: must be an absolute path" },
    { "user missing", { { "process.user", NULL } }, "process.user: is required" },
    { "uid negative", { { "process.user.uid", "-1" } }, "process.user.uid: -1 is out of range" },
    { "uid too big",
      { { "process.user.uid", "4294967296" } },
      "process.user.uid: 4294967296 is out of range" },
    { "gid real",
      { { "process.user.gid", "1.5" } },
      "process.user.gid: must be an integer, not a real number" },
    { "gid null counts as absent",
      { { "process.user.gid", "null" } },
      "process.user.gid: is required" },
    { "additionalGids string",
      { { "process.user.additionalGids", "[1,\"x\"]" } },
      "process.user.additionalGids[1]: must be an integer, not a string" },
    { "umask too big",
      { { "process.user.umask", "512" } },
      "process.user.umask: must be at most 0777" },
    { "terminal string",
      { { "process.terminal", "\"yes\"" } },
      "process.terminal: must be a boolean, not a string" },
    { "env without =",
      { { "process.env", "[\"A=1\",\"NOEQUALS\"]" } },
      "process.env[1]: must be NAME=VALUE" },
    { "env empty name", { { "process.env", "[\"=x\"]" } }, "process.env[0]: must be NAME=VALUE" },
    { "unknown rlimit",
      { { "process.rlimits[0].type", "\"RLIMIT_FOO\"" } },
      "process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"" },
    { "rlimit soft > hard",
      { { "process.rlimits[0].soft", "11" } },
      "process.rlimits[0].soft: must not be greater than hard" },
    { "rlimit negative",
      { { "process.rlimits[0].hard", "-5" } },
      "process.rlimits[0].hard: -5 is out of range" },
    { "rlimit duplicate",
      { { "process.rlimits[1]", "{\"type\":\"RLIMIT_NOFILE\",\"hard\":1,\"soft\":1}" } },
      "process.rlimits[1]: duplicate rlimit \"RLIMIT_NOFILE\"" },
    { "rlimit not object",
      { { "process.rlimits[0]", "\"RLIMIT_NOFILE\"" } },
      "process.rlimits[0]: must be an object, not a string" },
    { "unknown capability",
      { { "process.capabilities", "{\"bounding\":[\"CAP_KILL\",\"CAP_FOO\"]}" } },
      "process.capabilities.bounding[1]: unknown capability \"CAP_FOO\"" },
    { "oomScoreAdj range",
      { { "process.oomScoreAdj", "1001" } },
      "process.oomScoreAdj: 1001 is out of range" },
    { "consoleSize height",
      { { "process.consoleSize", "{\"height\":70000,\"width\":1}" } },
      "process.consoleSize.height: 70000 is out of range" },
    { "ioPriority class",
      { { "process.ioPriority", "{\"class\":\"IOPRIO_CLASS_X\",\"priority\":1}" } },
      "process.ioPriority.class: unknown I/O priority class" },
    { "ioPriority priority",
      { { "process.ioPriority", "{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":8}" } },
      "process.ioPriority.priority: 8 is out of range" },
    { "scheduler policy",
      { { "process.scheduler", "{\"policy\":\"SCHED_FOO\"}" } },
      "process.scheduler.policy: unknown scheduling policy" },
    { "scheduler nice",
      { { "process.scheduler", "{\"policy\":\"SCHED_OTHER\",\"nice\":-21}" } },
      "process.scheduler.nice: -21 is out of range" },
    { "scheduler flag",
      { { "process.scheduler", "{\"policy\":\"SCHED_OTHER\",\"flags\":[\"X\"]}" } },
      "process.scheduler.flags[0]: unknown scheduler flag" },
    { "process missing", { { "process", NULL } }, "process: is required" },
    { "root missing", { { "root", NULL } }, "root: is required" },
    { "root.path empty", { { "root.path", "\"\"" } }, "root.path: must not be empty" },
    { "root.path missing", { { "root.path", NULL } }, "root.path: is required" },
    { "root a string", { { "root", "\"rootfs\"" } }, "root: must be an object, not a string" },
    { "ociVersion 2.0.0",
      { { "ociVersion", "\"2.0.0\"" } },
      "ociVersion: unsupported version \"2.0.0\"" },
    { "ociVersion 1.3.0",
      { { "ociVersion", "\"1.3.0\"" } },
      "ociVersion: unsupported version \"1.3.0\"" },
    { "ociVersion 1.0",
      { { "ociVersion", "\"1.0\"" } },
      "ociVersion: unsupported version \"1.0\"" },
    { "ociVersion missing", { { "ociVersion", NULL } }, "ociVersion: is required" },
    { "ociVersion number",
      { { "ociVersion", "1" } },
      "ociVersion: must be a string, not an integer" },
    { "relative mount destination",
      { { "mounts[1].destination", "\"dev\"" } },
      "mounts[1].destination: must be an absolute path" },
    { "mount destination missing",
      { { "mounts[0].destination", NULL } },
      "mounts[0].destination: is required" },
    { "mounts an object", { { "mounts", "{}" } }, "mounts: must be an array, not an object" },
    { "mount options string",
      { { "mounts[0].options", "\"ro\"" } },
      "mounts[0].options: must be an array, not a string" },
    { "mount idmap size 0",
      { { "mounts[0].uidMappings", "[{\"containerID\":0,\"hostID\":0,\"size\":0}]" } },
      "mounts[0].uidMappings[0].size: must be greater than zero" },
    { "unknown namespace",
      { { "linux.namespaces[2].type", "\"foo\"" } },
      "linux.namespaces[2].type: unknown namespace \"foo\"" },
    { "duplicate namespace",
      { { "linux.namespaces[2]", "{\"type\":\"pid\"}" } },
      "linux.namespaces[2]: duplicate namespace \"pid\"" },
    { "namespace relative path",
      { { "linux.namespaces[0].path", "\"proc/1/ns/pid\"" } },
      "linux.namespaces[0].path: must be an absolute path" },
    { "hostname without uts",
      { { "hostname", "\"h\"" }, { "linux.namespaces[2].type", "\"ipc\"" } },
      "hostname: needs a uts namespace" },
    { "hostname too long",
      { { "hostname", "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"" } },
      "hostname: is 65 bytes long" },
    { "userns without mappings",
      { { "linux.namespaces[3]", "{\"type\":\"user\"}" } },
      "linux.uidMappings: is required with a new user namespace" },
    { "mappings without userns",
      { { "linux.uidMappings", "[{\"containerID\":0,\"hostID\":1,\"size\":1}]" } },
      "linux.uidMappings: needs a user namespace" },
    { "timeOffsets without timens",
      { { "linux.timeOffsets", "{\"boottime\":{\"secs\":1}}" } },
      "linux.timeOffsets: needs a time namespace" },
    { "unknown clock",
      { { "linux.timeOffsets", "{\"realtime\":{\"secs\":1}}" } },
      "linux.timeOffsets[\"realtime\"]: unknown clock" },
    { "relative hook path",
      { { "hooks.prestart[0].path", "\"true\"" } },
      "hooks.prestart[0].path: must be an absolute path" },
    { "hook timeout 0",
      { { "hooks.prestart[0].timeout", "0" } },
      "hooks.prestart[0].timeout: must be greater than zero" },
    { "hook not object",
      { { "hooks.poststop", "[1]" } },
      "hooks.poststop[0]: must be an object, not an integer" },
    { "annotation not string",
      { { "annotations", "{\"a\":1}" } },
      "annotations[\"a\"]: must be a string, not an integer" },
    { "annotations array",
      { { "annotations", "[]" } },
      "annotations: must be an object, not an array" },
    { "memory limit -2",
      { { "linux.resources.memory.limit", "-2" } },
      "linux.resources.memory.limit: -2 is out of range" },
    { "memory limit string",
      { { "linux.resources.memory.limit", "\"1G\"" } },
      "linux.resources.memory.limit: must be an integer, not a string" },
    { "swappiness 101",
      { { "linux.resources.memory.swappiness", "101" } },
      "linux.resources.memory.swappiness: must be in 0..100" },
    { "bad cpus",
      { { "linux.resources.cpu", "{\"cpus\":\"3-1\"}" } },
      "linux.resources.cpu.cpus: invalid CPU list" },
    { "negative shares",
      { { "linux.resources.cpu", "{\"shares\":-1}" } },
      "linux.resources.cpu.shares: -1 is out of range" },
    { "device rule access",
      { { "linux.resources.devices", "[{\"allow\":true,\"access\":\"rwx\"}]" } },
      "linux.resources.devices[0].access: must be made of r, w and m" },
    { "device rule allow",
      { { "linux.resources.devices", "[{\"access\":\"r\"}]" } },
      "linux.resources.devices[0].allow: is required" },
    { "blkio weight",
      { { "linux.resources.blockIO", "{\"weight\":70000}" } },
      "linux.resources.blockIO.weight: 70000 is out of range" },
    { "throttle rate missing",
      { { "linux.resources.blockIO", "{\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0}]}" } },
      "linux.resources.blockIO.throttleReadBpsDevice[0].rate: is required" },
    { "seccomp action",
      { { "linux.seccomp.defaultAction", "\"SCMP_ACT_FOO\"" } },
      "linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_FOO\"" },
    { "seccomp op",
      { { "linux.seccomp.syscalls[0].args[0].op", "\"SCMP_CMP_FOO\"" } },
      "linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator" },
    { "seccomp index",
      { { "linux.seccomp.syscalls[0].args[0].index", "6" } },
      "linux.seccomp.syscalls[0].args[0].index: must be in 0..5" },
    { "seccomp names empty",
      { { "linux.seccomp.syscalls[0].names", "[]" } },
      "linux.seccomp.syscalls[0].names: must be a non-empty array" },
    { "seccomp arch",
      { { "linux.seccomp.architectures", "[\"SCMP_ARCH_FOO\"]" } },
      "linux.seccomp.architectures[0]: unknown architecture" },
    { "seccomp notify",
      { { "linux.seccomp.syscalls[0].action", "\"SCMP_ACT_NOTIFY\"" } },
      "linux.seccomp.listenerPath: is required by SCMP_ACT_NOTIFY" },
    { "device type",
      { { "linux.devices", "[{\"path\":\"/dev/x\",\"type\":\"z\"}]" } },
      "linux.devices[0].type: unknown device type" },
    { "device major missing",
      { { "linux.devices", "[{\"path\":\"/dev/x\",\"type\":\"c\"}]" } },
      "linux.devices[0].major: is required" },
    { "maskedPaths relative",
      { { "linux.maskedPaths", "[\"proc/kcore\"]" } },
      "linux.maskedPaths[0]: must be an absolute path" },
    { "rootfsPropagation",
      { { "linux.rootfsPropagation", "\"weird\"" } },
      "linux.rootfsPropagation: unknown propagation" },
    { "sysctl empty key",
      { { "linux.sysctl", "{\"\":\"1\"}" } },
      "linux.sysctl[\"\"]: key must not be empty" },
    { "personality domain",
      { { "linux.personality", "{\"domain\":\"BSD\"}" } },
      "linux.personality.domain: unknown personality domain" },
    { "linux an array", { { "linux", "[]" } }, "linux: must be an object, not an array" },
};

static char *mutate(const struct mcase *mc)
{
    json_t *root = json_loads(g_base, 0, NULL);
    char *out;

    for (size_t i = 0; i < ARRAY_SIZE(mc->m) && mc->m[i].path != NULL; i++)
        json_set_path(root, mc->m[i].path, mc->m[i].value);
    out = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    return out;
}

/* Replaces the first `from` in g_base with `to` (to_len bytes, may hold NULs). */
static char *base_replace(const char *from, const char *to, size_t to_len, size_t *len)
{
    const char *at = strstr(g_base, from);
    size_t pre = (size_t)(at - g_base);
    size_t post = strlen(at + strlen(from));
    char *out = xmalloc(pre + to_len + post + 1);

    memcpy(out, g_base, pre);
    memcpy(out + pre, to, to_len);
    memcpy(out + pre + to_len, at + strlen(from), post + 1);
    *len = pre + to_len + post;
    return out;
}

static void test_mutations(void)
{
    char msg[512];

    tap_ok(try_parse(g_base, strlen(g_base), msg, sizeof(msg)) == 0, "base config parses (%s)",
           msg);
    for (size_t i = 0; i < ARRAY_SIZE(g_mcases); i++) {
        char *json = mutate(&g_mcases[i]);

        expect_reject(g_mcases[i].name, json, strlen(json), g_mcases[i].want);
        free(json);
    }
}

static void test_raw_inputs(void)
{
    size_t len;
    char *s;

    expect_reject("empty input", "", 0, "config.json: invalid JSON");
    expect_reject("whitespace only", "  \n", 3, "config.json: invalid JSON");
    expect_reject("top-level array", "[1,2]", 5, "config.json: must be an object, not an array");
    expect_reject("top-level number", "42", 2, "config.json: invalid JSON");
    expect_reject("top-level null", "null", 4, "config.json: invalid JSON");
    expect_reject("trailing garbage", "{\"ociVersion\":\"1.0.0\"} x", 24,
                  "config.json: invalid JSON");

    /* Truncated right inside process.cwd's value. */
    s = xstrdup(g_base);
    len = (size_t)(strstr(s, "\"cwd\":\"/") - s) + 8;
    expect_reject("truncated JSON", s, len, "process.cwd: invalid JSON");
    free(s);

    s = base_replace("\"cwd\":\"/\"", "\"cwd\":\"/\",\"cwd\":\"/x\"", 19, &len);
    expect_reject("duplicate key", s, len, "process.cwd: invalid JSON");
    expect_reject("duplicate key message", s, len, "duplicate object key");
    free(s);

    s = base_replace("[\"sh\"]", "[\"ok\",\"s\xff\"]", 11, &len);
    expect_reject("invalid UTF-8", s, len, "process.args[1]: invalid JSON");
    free(s);

    s = base_replace("[\"sh\"]", "[\"s\xc0\xaf\"]", 8, &len);
    expect_reject("overlong UTF-8", s, len, "process.args[0]: invalid JSON");
    free(s);

    s = base_replace("[\"sh\"]", "[\"s\\u0000h\"]", 12, &len);
    expect_reject("escaped NUL in string", s, len, "process.args[0]: must not contain a NUL byte");
    free(s);

    s = base_replace("[\"sh\"]", "[\"s\0h\"]", 7, &len);
    expect_reject("raw NUL byte in string", s, len, "process.args[0]: invalid JSON");
    free(s);

    s = base_replace("\"/bin/true\"", "\"/bin/\\ud800\"", 13, &len);
    expect_reject("lone surrogate", s, len, "hooks.prestart[0].path: invalid JSON");
    free(s);

    s = base_replace("\"limit\":1", "\"limit\":9223372036854775808", 27, &len);
    expect_reject("int64 field above INT64_MAX", s, len,
                  "linux.resources.memory.limit: 9223372036854775808 is out of range");
    free(s);

    s = base_replace("\"hard\":10", "\"hard\":18446744073709551616", 27, &len);
    expect_reject("integer above UINT64_MAX", s, len, "process.rlimits[0].hard: invalid JSON");
    free(s);

    s = base_replace("\"hard\":10", "\"hard\":-9223372036854775809", 27, &len);
    expect_reject("integer below INT64_MIN", s, len, "process.rlimits[0].hard: invalid JSON");
    free(s);

    s = base_replace("\"hard\":10", "\"hard\":1e3", 11, &len);
    expect_reject("exponent where integer expected", s, len,
                  "process.rlimits[0].hard: must be an integer, not a real number");
    free(s);

    s = base_replace("\"rootfs\"", "18446744073709551615", 20, &len);
    expect_reject("big integer where a string is expected", s, len,
                  "root.path: must be a string, not an integer");
    free(s);

    /* A string dressed up as a rewritten big integer is still a string. */
    s = base_replace("\"hard\":10", "\"hard\":\"\\u0000u64:0123456789abcdef:5\"", 37, &len);
    expect_reject("forged big-integer string", s, len,
                  "process.rlimits[0].hard: must be an integer, not a string");
    free(s);

    /* 100k nested arrays: jansson stops at depth 2048. */
    {
        size_t depth = 100000;
        struct strbuf sb = STRBUF_INIT;

        strbuf_append(&sb, "{\"ociVersion\":\"1.0.0\",\"annotations\":");
        for (size_t i = 0; i < depth; i++)
            strbuf_append_char(&sb, '[');
        for (size_t i = 0; i < depth; i++)
            strbuf_append_char(&sb, ']');
        strbuf_append_char(&sb, '}');
        expect_reject("100k nested arrays", sb.buf, sb.len, "annotations[0][0]");
        expect_reject("100k nested arrays message", sb.buf, sb.len, "maximum parsing depth");
        strbuf_release(&sb);
    }
    /* 100k nested objects. */
    {
        size_t depth = 100000;
        struct strbuf sb = STRBUF_INIT;

        strbuf_append(&sb, "{\"linux\":");
        for (size_t i = 0; i < depth; i++)
            strbuf_append(&sb, "{\"a\":");
        strbuf_append(&sb, "1");
        for (size_t i = 0; i < depth; i++)
            strbuf_append_char(&sb, '}');
        strbuf_append_char(&sb, '}');
        expect_reject("100k nested objects", sb.buf, sb.len, "linux.a.a.a");
        strbuf_release(&sb);
    }
    /* A 10 MB argument: over MAX_ARG_STRLEN. */
    {
        size_t big = 10u << 20;
        struct strbuf sb = STRBUF_INIT;
        char *json;

        strbuf_append(&sb, "[\"");
        strbuf_grow(&sb, big);
        memset(sb.buf + sb.len, 'x', big);
        sb.len += big;
        sb.buf[sb.len] = '\0';
        strbuf_append(&sb, "\"]");
        json = base_replace("[\"sh\"]", sb.buf, sb.len, &len);
        expect_reject("10 MB argument", json, len,
                      "process.args[0]: is 10485760 bytes long, more than the limit of 131071");
        free(json);
        /* The same 10 MB as an annotation value: over SPECUTILS_MAX_STRING. */
        {
            struct strbuf a = STRBUF_INIT;

            strbuf_append(&a, "\"annotations\":{\"big\":");
            strbuf_append_len(&a, sb.buf + 1, sb.len - 2); /* the quoted string */
            strbuf_append(&a, "},\"linux\":");
            json = base_replace("\"linux\":", a.buf, a.len, &len);
            expect_reject("10 MB annotation", json, len,
                          "annotations[\"big\"]: is 10485760 bytes long, more than the limit of "
                          "1048576");
            free(json);
            strbuf_release(&a);
        }
        strbuf_release(&sb);
    }
    /* Arguments just at and just over the limit. */
    {
        size_t n = SPECUTILS_MAX_ARG_STRLEN - 1;
        char *arg = xmalloc(n + 6);
        char *json;
        char msg[512];

        arg[0] = '[';
        arg[1] = '"';
        memset(arg + 2, 'y', n);
        memcpy(arg + 2 + n, "\"]", 3);
        json = base_replace("[\"sh\"]", arg, n + 4, &len);
        tap_ok(try_parse(json, len, msg, sizeof(msg)) == 0,
               "an argument of MAX_ARG_STRLEN-1 bytes is accepted (%s)", msg);
        free(json);
        arg = xrealloc(arg, n + 7);
        memset(arg + 2, 'y', n + 1);
        memcpy(arg + 3 + n, "\"]", 3);
        json = base_replace("[\"sh\"]", arg, n + 5, &len);
        expect_reject("argument of MAX_ARG_STRLEN bytes", json, len,
                      "process.args[0]: is 131072 bytes long");
        free(json);
        free(arg);
    }
    /* A path over PATH_MAX. */
    {
        struct strbuf sb = STRBUF_INIT;
        char *json;

        strbuf_append(&sb, "\"cwd\":\"/");
        for (int i = 0; i < 5000; i++)
            strbuf_append_char(&sb, 'a');
        strbuf_append_char(&sb, '"');
        json = base_replace("\"cwd\":\"/\"", sb.buf, sb.len, &len);
        expect_reject("cwd over PATH_MAX", json, len, "process.cwd: is 5001 bytes long");
        free(json);
        strbuf_release(&sb);
    }
    /* An absurd array: 70000 additional gids. */
    {
        struct strbuf sb = STRBUF_INIT;
        char *json;

        strbuf_append(&sb, "\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[0");
        for (int i = 1; i < 70000; i++)
            strbuf_append(&sb, ",1");
        strbuf_append(&sb, "]}");
        json = base_replace("\"user\":{\"uid\":0,\"gid\":0}", sb.buf, sb.len, &len);
        expect_reject("70000 additionalGids", json, len,
                      "process.user.additionalGids: has 70000 entries, more than the limit of "
                      "65536");
        free(json);
        strbuf_release(&sb);
    }
    /* Over the size cap, before any parsing. */
    {
        size_t big = SPECUTILS_MAX_CONFIG_SIZE + 1;
        char *json = xmalloc(big);

        memset(json, ' ', big);
        json[0] = '{';
        json[big - 1] = '}';
        expect_reject("17 MiB document", json, big, "config.json: is 16777217 bytes");
        free(json);
    }
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct strbuf sb = STRBUF_INIT;
    char buf[4096];
    size_t n;

    if (f == NULL)
        return NULL;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_append_len(&sb, buf, n);
    fclose(f);
    *len = sb.len;
    return strbuf_detach(&sb);
}

static char *data_path(const char *name)
{
    const char *repo = getenv("REPO");
    char exe[PATH_MAX];
    ssize_t n;
    char *p;

    if (repo != NULL) {
        p = xasprintf("%s/tests/unit/data/spec/%s", repo, name);
        if (access(p, R_OK) == 0)
            return p;
        free(p);
    }
    p = xasprintf("tests/unit/data/spec/%s", name);
    if (access(p, R_OK) == 0)
        return p;
    free(p);
    /* <repo>/<build>/tests/unit/test_specutils */
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        for (int i = 0; i < 4; i++) {
            char *slash = strrchr(exe, '/');

            if (slash != NULL)
                *slash = '\0';
        }
        return xasprintf("%s/tests/unit/data/spec/%s", exe, name);
    }
    return xasprintf("tests/unit/data/spec/%s", name);
}

#define CHECK_STR(got, want, what) TAP_STR_EQ(got, want, what)
#define CHECK_NUM(got, want, what) \
    tap_ok((got) == (want), "%s == %s (got %lld)", what, #want, (long long)(got))
#define CHECK_U64(got, want, what)                                                  \
    tap_ok((uint64_t)(got) == (uint64_t)(want), "%s == %s (got %llu)", what, #want, \
           (unsigned long long)(got))

static bool strv_is(const struct spec_strv *v, const char *const *want)
{
    size_t n = 0;

    while (want[n] != NULL)
        n++;
    if (v->n != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v->v[i], want[i]) != 0)
            return false;
    }
    return n == 0 ? v->v == NULL : v->v[n] == NULL;
}

#define CHECK_STRV(v, what, ...)                                  \
    do {                                                          \
        static const char *const want_[] = { __VA_ARGS__, NULL }; \
        tap_ok(strv_is(&(v), want_), "%s", what);                 \
    } while (0)

static void check_process_full(const struct spec_process *p)
{
    CHECK_NUM(p->terminal, true, "process.terminal");
    CHECK_NUM(p->has_console_size, true, "process.consoleSize present");
    CHECK_NUM(p->console_height, 25, "process.consoleSize.height");
    CHECK_NUM(p->console_width, 80, "process.consoleSize.width");
    CHECK_NUM(p->user.uid, 1000, "process.user.uid");
    CHECK_NUM(p->user.gid, 1001, "process.user.gid");
    CHECK_NUM(p->user.has_umask, true, "process.user.umask present");
    CHECK_NUM(p->user.umask, 18, "process.user.umask");
    CHECK_NUM(p->user.n_additional_gids, 2, "process.user.additionalGids count");
    CHECK_NUM(p->user.additional_gids[0], 5, "process.user.additionalGids[0]");
    CHECK_U64(p->user.additional_gids[1], 4294967295u, "process.user.additionalGids[1]");
    CHECK_STR(p->user.username, "alice", "process.user.username");
    CHECK_STRV(p->args, "process.args", "/bin/sh", "-c", "echo hi");
    CHECK_STR(p->command_line, "sh.exe", "process.commandLine");
    CHECK_STRV(p->env, "process.env", "PATH=/usr/bin:/bin", "TERM=xterm", "EMPTY=");
    CHECK_STR(p->cwd, "/home/alice", "process.cwd");
    tap_ok(p->capabilities != NULL, "process.capabilities present");
    if (p->capabilities != NULL) {
        const struct spec_capabilities *c = p->capabilities;

        CHECK_STRV(c->bounding, "capabilities.bounding", "CAP_CHOWN", "CAP_KILL");
        CHECK_STRV(c->effective, "capabilities.effective", "CAP_KILL");
        CHECK_STRV(c->inheritable, "capabilities.inheritable", "CAP_NET_RAW");
        CHECK_STRV(c->permitted, "capabilities.permitted", "CAP_CHOWN", "CAP_KILL",
                   "CAP_CHECKPOINT_RESTORE");
        CHECK_STRV(c->ambient, "capabilities.ambient", "CAP_SYS_ADMIN");
        CHECK_U64(c->bounding_mask, (1ull << 0) | (1ull << 5), "bounding mask");
        CHECK_U64(c->effective_mask, 1ull << 5, "effective mask");
        CHECK_U64(c->inheritable_mask, 1ull << 13, "inheritable mask");
        CHECK_U64(c->permitted_mask, (1ull << 0) | (1ull << 5) | (1ull << 40), "permitted mask");
        CHECK_U64(c->ambient_mask, 1ull << 21, "ambient mask");
    }
    CHECK_NUM(p->n_rlimits, 2, "process.rlimits count");
    if (p->n_rlimits == 2) {
        CHECK_STR(p->rlimits[0].type, "RLIMIT_NOFILE", "rlimits[0].type");
        CHECK_NUM(p->rlimits[0].resource, RLIMIT_NOFILE, "rlimits[0] resource");
        CHECK_U64(p->rlimits[0].hard, 4096, "rlimits[0].hard");
        CHECK_U64(p->rlimits[0].soft, 1024, "rlimits[0].soft");
        CHECK_STR(p->rlimits[1].type, "RLIMIT_CORE", "rlimits[1].type");
        CHECK_NUM(p->rlimits[1].resource, RLIMIT_CORE, "rlimits[1] resource");
        CHECK_U64(p->rlimits[1].hard, UINT64_MAX, "rlimits[1].hard is RLIM_INFINITY");
        CHECK_U64(p->rlimits[1].soft, 9223372036854775808ull, "rlimits[1].soft is 2^63");
    }
    CHECK_NUM(p->no_new_privileges, true, "process.noNewPrivileges");
    CHECK_STR(p->apparmor_profile, "docker-default", "process.apparmorProfile");
    CHECK_NUM(p->has_oom_score_adj, true, "process.oomScoreAdj present");
    CHECK_NUM(p->oom_score_adj, -500, "process.oomScoreAdj");
    CHECK_STR(p->selinux_label, "system_u:system_r:container_t:s0", "process.selinuxLabel");
    tap_ok(p->io_priority != NULL, "process.ioPriority present");
    if (p->io_priority != NULL) {
        CHECK_STR(p->io_priority->class_name, "IOPRIO_CLASS_BE", "ioPriority.class");
        CHECK_NUM(p->io_priority->class_num, 2, "ioPriority class number");
        CHECK_NUM(p->io_priority->priority, 4, "ioPriority.priority");
    }
    tap_ok(p->scheduler != NULL, "process.scheduler present");
    if (p->scheduler != NULL) {
        const struct spec_scheduler *s = p->scheduler;

        CHECK_STR(s->policy, "SCHED_DEADLINE", "scheduler.policy");
        CHECK_NUM(s->policy_num, 6, "scheduler policy number");
        tap_ok(s->has_nice && s->nice == -5, "scheduler.nice");
        tap_ok(s->has_priority && s->priority == 7, "scheduler.priority");
        CHECK_STRV(s->flags, "scheduler.flags", "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM");
        tap_ok(s->has_runtime && s->runtime == 100, "scheduler.runtime");
        tap_ok(s->has_deadline && s->deadline == 200, "scheduler.deadline");
        tap_ok(s->has_period && s->period == 300, "scheduler.period");
    }
    CHECK_STR(p->exec_cpu_affinity_initial, "0-1", "execCPUAffinity.initial");
    CHECK_STR(p->exec_cpu_affinity_final, "2,3", "execCPUAffinity.final");
}

static void check_resources_full(const struct spec_resources *r)
{
    CHECK_NUM(r->n_devices, 2, "resources.devices count");
    if (r->n_devices == 2) {
        const struct spec_device_rule *d0 = &r->devices[0], *d1 = &r->devices[1];

        tap_ok(!d0->allow && d0->type == 'a' && !d0->has_major && !d0->has_minor &&
                   strcmp(d0->access, "rwm") == 0,
               "resources.devices[0] deny all rwm");
        tap_ok(d1->allow && d1->type == 'c' && d1->has_major && d1->major == 10 && d1->has_minor &&
                   d1->minor == -1 && strcmp(d1->access, "rw") == 0,
               "resources.devices[1] allow c 10:* rw");
    }
    tap_ok(r->memory != NULL, "resources.memory present");
    if (r->memory != NULL) {
        const struct spec_memory *m = r->memory;

        tap_ok(m->has_limit && m->limit == 536870912, "memory.limit");
        tap_ok(m->has_reservation && m->reservation == 268435456, "memory.reservation");
        tap_ok(m->has_swap && m->swap == -1, "memory.swap -1");
        tap_ok(m->has_kernel && m->kernel == 1048576, "memory.kernel");
        tap_ok(m->has_kernel_tcp && m->kernel_tcp == 2097152, "memory.kernelTCP");
        tap_ok(m->has_swappiness && m->swappiness == 60, "memory.swappiness");
        tap_ok(m->has_disable_oom_killer && m->disable_oom_killer, "memory.disableOOMKiller");
        tap_ok(m->has_use_hierarchy && !m->use_hierarchy, "memory.useHierarchy false");
        tap_ok(m->has_check_before_update && m->check_before_update, "memory.checkBeforeUpdate");
    }
    tap_ok(r->cpu != NULL, "resources.cpu present");
    if (r->cpu != NULL) {
        const struct spec_cpu *c = r->cpu;

        tap_ok(c->has_shares && c->shares == 1024, "cpu.shares");
        tap_ok(c->has_quota && c->quota == 50000, "cpu.quota");
        tap_ok(c->has_burst && c->burst == 10000, "cpu.burst");
        tap_ok(c->has_period && c->period == 100000, "cpu.period");
        tap_ok(c->has_realtime_runtime && c->realtime_runtime == 950000, "cpu.realtimeRuntime");
        tap_ok(c->has_realtime_period && c->realtime_period == 1000000, "cpu.realtimePeriod");
        CHECK_STR(c->cpus, "0-3,5", "cpu.cpus");
        CHECK_STR(c->mems, "0", "cpu.mems");
        tap_ok(c->has_idle && c->idle == 1, "cpu.idle");
    }
    tap_ok(r->pids != NULL && r->pids->has_limit && r->pids->limit == 4096, "pids.limit");
    tap_ok(r->block_io != NULL, "resources.blockIO present");
    if (r->block_io != NULL) {
        const struct spec_block_io *b = r->block_io;

        tap_ok(b->has_weight && b->weight == 500, "blockIO.weight");
        tap_ok(b->has_leaf_weight && b->leaf_weight == 300, "blockIO.leafWeight");
        tap_ok(b->n_weight_device == 2 && b->weight_device[0].major == 8 &&
                   b->weight_device[0].minor == 0 && b->weight_device[0].has_weight &&
                   b->weight_device[0].weight == 600 && b->weight_device[0].has_leaf_weight &&
                   b->weight_device[0].leaf_weight == 200 && b->weight_device[1].minor == 16 &&
                   !b->weight_device[1].has_weight && !b->weight_device[1].has_leaf_weight,
               "blockIO.weightDevice");
        tap_ok(b->throttle_read_bps.n == 1 && b->throttle_read_bps.v[0].major == 8 &&
                   b->throttle_read_bps.v[0].minor == 0 &&
                   b->throttle_read_bps.v[0].rate == 1048576,
               "blockIO.throttleReadBpsDevice");
        tap_ok(b->throttle_write_bps.n == 1 && b->throttle_write_bps.v[0].minor == 1 &&
                   b->throttle_write_bps.v[0].rate == 2097152,
               "blockIO.throttleWriteBpsDevice");
        tap_ok(b->throttle_read_iops.n == 1 && b->throttle_read_iops.v[0].minor == 2 &&
                   b->throttle_read_iops.v[0].rate == 1000,
               "blockIO.throttleReadIOPSDevice");
        tap_ok(b->throttle_write_iops.n == 1 && b->throttle_write_iops.v[0].minor == 3 &&
                   b->throttle_write_iops.v[0].rate == 2000,
               "blockIO.throttleWriteIOPSDevice");
    }
    tap_ok(r->n_hugepage_limits == 2 && strcmp(r->hugepage_limits[0].page_size, "2MB") == 0 &&
               r->hugepage_limits[0].limit == 209715200 &&
               strcmp(r->hugepage_limits[1].page_size, "1GB") == 0 &&
               r->hugepage_limits[1].limit == 0,
           "hugepageLimits");
    tap_ok(r->network != NULL && r->network->has_class_id && r->network->class_id == 1048577 &&
               r->network->n_priorities == 2 &&
               strcmp(r->network->priorities[0].name, "eth0") == 0 &&
               r->network->priorities[0].priority == 500 &&
               strcmp(r->network->priorities[1].name, "lo") == 0 &&
               r->network->priorities[1].priority == 1,
           "network.classID and priorities");
    tap_ok(r->n_rdma == 2 && strcmp(r->rdma[0].device, "mlx5_1") == 0 &&
               r->rdma[0].has_hca_handles && r->rdma[0].hca_handles == 3 &&
               r->rdma[0].has_hca_objects && r->rdma[0].hca_objects == 10000 &&
               strcmp(r->rdma[1].device, "mlx4_0") == 0 && !r->rdma[1].has_hca_handles &&
               r->rdma[1].has_hca_objects && r->rdma[1].hca_objects == 7,
           "rdma in file order");
    tap_ok(r->unified.n == 2 && strcmp(r->unified.v[0].key, "memory.high") == 0 &&
               strcmp(r->unified.v[0].value, "1073741824") == 0 &&
               strcmp(r->unified.v[1].key, "io.weight") == 0 &&
               strcmp(r->unified.v[1].value, "default 100") == 0,
           "unified in file order");
}

static void check_seccomp_full(const struct spec_seccomp *sc)
{
    tap_ok(sc != NULL, "linux.seccomp present");
    if (sc == NULL)
        return;
    CHECK_STR(sc->default_action_name, "SCMP_ACT_ERRNO", "seccomp.defaultAction");
    CHECK_NUM(sc->default_action, SPEC_SCMP_ACT_ERRNO, "seccomp default action enum");
    tap_ok(sc->has_default_errno_ret && sc->default_errno_ret == 1, "seccomp.defaultErrnoRet");
    CHECK_STRV(sc->architectures, "seccomp.architectures", "SCMP_ARCH_X86_64", "SCMP_ARCH_X86");
    CHECK_STRV(sc->flags, "seccomp.flags", "SECCOMP_FILTER_FLAG_LOG");
    CHECK_STR(sc->listener_path, "/run/seccomp-agent.sock", "seccomp.listenerPath");
    CHECK_STR(sc->listener_metadata, "meta", "seccomp.listenerMetadata");
    CHECK_NUM(sc->n_syscalls, 3, "seccomp.syscalls count");
    if (sc->n_syscalls != 3)
        return;
    CHECK_STRV(sc->syscalls[0].names, "syscalls[0].names", "read", "write");
    tap_ok(sc->syscalls[0].action == SPEC_SCMP_ACT_ALLOW && !sc->syscalls[0].has_errno_ret &&
               sc->syscalls[0].n_args == 0,
           "syscalls[0] allow, no errnoRet, no args");
    CHECK_STR(sc->syscalls[1].action_name, "SCMP_ACT_ERRNO", "syscalls[1].action");
    tap_ok(sc->syscalls[1].has_errno_ret && sc->syscalls[1].errno_ret == 38,
           "syscalls[1].errnoRet");
    CHECK_NUM(sc->syscalls[1].n_args, 2, "syscalls[1].args count");
    if (sc->syscalls[1].n_args == 2) {
        const struct spec_seccomp_arg *a = sc->syscalls[1].args;

        tap_ok(a[0].index == 0 && a[0].value == 131072 && a[0].value_two == 0 &&
                   a[0].op == SPEC_SCMP_CMP_EQ && strcmp(a[0].op_name, "SCMP_CMP_EQ") == 0,
               "syscalls[1].args[0]");
        tap_ok(a[1].index == 1 && a[1].value == UINT64_MAX && a[1].value_two == 4096 &&
                   a[1].op == SPEC_SCMP_CMP_MASKED_EQ,
               "syscalls[1].args[1] (value 2^64-1)");
    }
    tap_ok(sc->syscalls[2].action == SPEC_SCMP_ACT_NOTIFY, "syscalls[2] notify");
}

static void check_linux_full(const struct spec *s)
{
    const struct spec_linux *l = &s->linux_cfg;
    static const enum spec_ns_type order[] = { SPEC_NS_PID,    SPEC_NS_NETWORK, SPEC_NS_MOUNT,
                                               SPEC_NS_IPC,    SPEC_NS_UTS,     SPEC_NS_USER,
                                               SPEC_NS_CGROUP, SPEC_NS_TIME };
    bool ok = l->n_namespaces == 8;

    CHECK_NUM(s->has_linux, true, "linux present");
    for (size_t i = 0; ok && i < 8; i++)
        ok = l->namespaces[i].type == order[i] && ((i == 1) == (l->namespaces[i].path != NULL));
    tap_ok(ok, "linux.namespaces: 8 types in order, only network with a path");
    if (l->n_namespaces > 1)
        CHECK_STR(l->namespaces[1].path, "/var/run/netns/full", "linux.namespaces[1].path");
    tap_ok(l->uid_mappings.n == 2 && l->uid_mappings.v[0].container_id == 0 &&
               l->uid_mappings.v[0].host_id == 1000 && l->uid_mappings.v[0].size == 1 &&
               l->uid_mappings.v[1].container_id == 1 && l->uid_mappings.v[1].host_id == 100000 &&
               l->uid_mappings.v[1].size == 65535,
           "linux.uidMappings");
    tap_ok(l->gid_mappings.n == 1 && l->gid_mappings.v[0].host_id == 1001 &&
               l->gid_mappings.v[0].size == 1,
           "linux.gidMappings");
    tap_ok(l->n_time_offsets == 2 && strcmp(l->time_offsets[0].clock, "monotonic") == 0 &&
               l->time_offsets[0].secs == -86400 && l->time_offsets[0].nanosecs == 5 &&
               strcmp(l->time_offsets[1].clock, "boottime") == 0 &&
               l->time_offsets[1].secs == 3600 && l->time_offsets[1].nanosecs == 999999999,
           "linux.timeOffsets in file order");
    tap_ok(l->n_devices == 2 && strcmp(l->devices[0].path, "/dev/fuse") == 0 &&
               l->devices[0].type_char == 'c' && strcmp(l->devices[0].type, "c") == 0 &&
               l->devices[0].major == 10 && l->devices[0].minor == 229 &&
               l->devices[0].has_file_mode && l->devices[0].file_mode == 0666 &&
               l->devices[0].has_uid && l->devices[0].uid == 0 && l->devices[0].has_gid &&
               l->devices[0].gid == 0,
           "linux.devices[0]");
    tap_ok(l->n_devices == 2 && l->devices[1].type_char == 'p' && !l->devices[1].has_file_mode &&
               !l->devices[1].has_uid && !l->devices[1].has_gid,
           "linux.devices[1] (fifo without numbers)");
    CHECK_STR(l->cgroups_path, "/runsc/full", "linux.cgroupsPath");
    tap_ok(l->resources != NULL, "linux.resources present");
    if (l->resources != NULL)
        check_resources_full(l->resources);
    CHECK_STR(l->rootfs_propagation, "rslave", "linux.rootfsPropagation");
    check_seccomp_full(l->seccomp);
    tap_ok(l->sysctl.n == 2 && strcmp(l->sysctl.v[0].key, "net.ipv4.ip_forward") == 0 &&
               strcmp(l->sysctl.v[0].value, "1") == 0 &&
               strcmp(l->sysctl.v[1].key, "kernel.shm_rmid_forced") == 0 &&
               strcmp(l->sysctl.v[1].value, "0") == 0,
           "linux.sysctl");
    CHECK_STRV(l->masked_paths, "linux.maskedPaths", "/proc/kcore", "/sys/firmware");
    CHECK_STRV(l->readonly_paths, "linux.readonlyPaths", "/proc/sys");
    CHECK_STR(l->mount_label, "system_u:object_r:container_file_t:s0", "linux.mountLabel");
    tap_ok(l->intel_rdt != NULL && strcmp(l->intel_rdt->clos_id, "guaranteed") == 0 &&
               strcmp(l->intel_rdt->l3_cache_schema, "L3:0=ffff") == 0 &&
               strcmp(l->intel_rdt->mem_bw_schema, "MB:0=70") == 0 && l->intel_rdt->enable_cmt &&
               l->intel_rdt->enable_mbm,
           "linux.intelRdt");
    tap_ok(l->personality != NULL && strcmp(l->personality->domain, "LINUX32") == 0,
           "linux.personality.domain");
    if (l->personality != NULL)
        CHECK_STRV(l->personality->flags, "linux.personality.flags", "ADDR_NO_RANDOMIZE");
}

static void test_full(void)
{
    cleanup_free char *path = data_path("full.json");
    cleanup_free char *json = NULL;
    rt_error_t err = NULL;
    struct spec *s = NULL;
    size_t len = 0;
    int ret;

    json = read_file(path, &len);
    if (!tap_ok(json != NULL, "read %s", path))
        return;
    ret = specutils_parse(json, len, &s, &err);
    if (!tap_ok(ret == 0, "full.json parses (%s)", rt_error_msg(err))) {
        rt_error_release(&err);
        return;
    }
    CHECK_STR(s->oci_version, "1.2.0", "ociVersion");
    tap_ok(s->process != NULL, "process present");
    if (s->process != NULL)
        check_process_full(s->process);
    CHECK_STR(s->root.path, "rootfs", "root.path raw");
    tap_ok(s->root.resolved_path == NULL, "root.resolved_path unset for a relative path");
    CHECK_NUM(s->root.readonly, true, "root.readonly");
    CHECK_STR(s->hostname, "full-host", "hostname");
    CHECK_STR(s->domainname, "example.org", "domainname");
    CHECK_NUM(s->n_mounts, 2, "mounts count");
    if (s->n_mounts == 2) {
        const struct spec_mount *m0 = &s->mounts[0], *m1 = &s->mounts[1];

        tap_ok(strcmp(m0->destination, "/proc") == 0 && strcmp(m0->type, "proc") == 0 &&
                   strcmp(m0->source, "proc") == 0 && m0->options.n == 0 && m0->options.v == NULL &&
                   m0->uid_mappings.n == 0 && m0->gid_mappings.n == 0,
               "mounts[0]");
        CHECK_STR(m1->destination, "/data", "mounts[1].destination");
        CHECK_STR(m1->type, "bind", "mounts[1].type");
        CHECK_STR(m1->source, "/srv/data", "mounts[1].source");
        CHECK_STRV(m1->options, "mounts[1].options", "rbind", "ro");
        tap_ok(m1->uid_mappings.n == 1 && m1->uid_mappings.v[0].container_id == 0 &&
                   m1->uid_mappings.v[0].host_id == 100000 && m1->uid_mappings.v[0].size == 65536,
               "mounts[1].uidMappings");
        tap_ok(m1->gid_mappings.n == 1 && m1->gid_mappings.v[0].host_id == 200000 &&
                   m1->gid_mappings.v[0].size == 1000,
               "mounts[1].gidMappings");
    }
    {
        const struct spec_hooks *h = &s->hooks;

        tap_ok(h->prestart.n == 1 && strcmp(h->prestart.v[0].path, "/usr/bin/prestart") == 0 &&
                   h->prestart.v[0].has_timeout && h->prestart.v[0].timeout == 5,
               "hooks.prestart[0] path and timeout");
        if (h->prestart.n == 1) {
            CHECK_STRV(h->prestart.v[0].args, "hooks.prestart[0].args", "prestart", "a");
            CHECK_STRV(h->prestart.v[0].env, "hooks.prestart[0].env", "A=1");
        }
        tap_ok(h->create_runtime.n == 1 &&
                   strcmp(h->create_runtime.v[0].path, "/usr/bin/create-runtime") == 0 &&
                   !h->create_runtime.v[0].has_timeout && h->create_runtime.v[0].args.n == 0,
               "hooks.createRuntime");
        tap_ok(h->create_container.n == 1 &&
                   strcmp(h->create_container.v[0].path, "/usr/bin/create-container") == 0 &&
                   h->create_container.v[0].timeout == 6,
               "hooks.createContainer");
        tap_ok(h->start_container.n == 1 && h->start_container.v[0].args.n == 1 &&
                   strcmp(h->start_container.v[0].args.v[0], "sc") == 0,
               "hooks.startContainer");
        tap_ok(h->poststart.n == 1 && h->poststart.v[0].env.n == 2 &&
                   strcmp(h->poststart.v[0].env.v[1], "C=3") == 0,
               "hooks.poststart");
        tap_ok(h->poststop.n == 2 && h->poststop.v[0].timeout == 7 &&
                   strcmp(h->poststop.v[1].path, "/usr/bin/poststop2") == 0,
               "hooks.poststop");
    }
    tap_ok(s->annotations.n == 3 && strcmp(s->annotations.v[0].key, "z.first") == 0 &&
               strcmp(s->annotations.v[1].key, "a.second") == 0 &&
               strcmp(s->annotations.v[1].value, "2") == 0,
           "annotations kept in file order");
    CHECK_STR(specutils_annotation_get(s, "z.first"), "1", "annotation lookup");
    tap_ok(specutils_annotation_get(s, "nope") == NULL, "missing annotation is NULL");
    check_linux_full(s);
    {
        const struct spec_namespace *net = specutils_namespace_find(s, "network");

        tap_ok(net != NULL && net->type == SPEC_NS_NETWORK && net->path != NULL &&
                   strcmp(net->path, "/var/run/netns/full") == 0,
               "specutils_namespace_find(network) has the path");
        tap_ok(specutils_namespace_find(s, "pid") != NULL &&
                   specutils_namespace_find(s, "pid")->path == NULL,
               "specutils_namespace_find(pid) has no path");
        tap_ok(specutils_namespace_find(s, "bogus") == NULL, "unknown namespace name -> NULL");
    }
    specutils_free(s);
}

static struct spec *parse_ok(const char *json, const char *what)
{
    rt_error_t err = NULL;
    struct spec *s = NULL;

    int ret = specutils_parse(json, strlen(json), &s, &err);

    if (!tap_ok(ret == 0, "%s parses (%s)", what, rt_error_msg(err)))
        rt_error_release(&err);
    return s;
}

static void test_default_spec(void)
{
    for (int rootless = 0; rootless <= 1; rootless++) {
        cleanup_free char *json = specutils_default_spec_json(rootless);
        struct spec *s = parse_ok(json, rootless ? "default spec (rootless)" : "default spec");
        const struct spec_namespace *user;

        if (s == NULL)
            continue;
        tap_ok(s->process->terminal && s->process->args.n == 1 &&
                   strcmp(s->process->args.v[0], "sh") == 0,
               "default: terminal, args [sh]");
        tap_ok(s->process->capabilities != NULL && s->process->capabilities->bounding.n == 3 &&
                   s->process->capabilities->bounding_mask ==
                       ((1ull << 29) | (1ull << 5) | (1ull << 10)),
               "default: AUDIT_WRITE, KILL, NET_BIND_SERVICE");
        tap_ok(strcmp(s->root.path, "rootfs") == 0 && s->root.readonly, "default: root rootfs ro");
        tap_ok(s->n_mounts == 7 && strcmp(s->mounts[0].destination, "/proc") == 0 &&
                   strcmp(s->mounts[6].destination, "/sys/fs/cgroup") == 0,
               "default: 7 mounts from /proc to /sys/fs/cgroup");
        tap_ok(s->linux_cfg.masked_paths.n >= 10 && s->linux_cfg.readonly_paths.n == 5,
               "default: maskedPaths and readonlyPaths");
        user = specutils_namespace_find(s, "user");
        if (!rootless) {
            tap_ok(user == NULL && specutils_namespace_find(s, "network") != NULL &&
                       s->linux_cfg.n_namespaces == 6,
                   "default: 6 namespaces with network, without user");
            tap_ok(strcmp(s->mounts[5].type, "sysfs") == 0, "default: sysfs on /sys");
            tap_ok(s->linux_cfg.resources != NULL && s->linux_cfg.resources->n_devices == 1 &&
                       !s->linux_cfg.resources->devices[0].allow,
                   "default: deny-all device rule");
        } else {
            bool has_gid_opt = false;

            tap_ok(user != NULL && specutils_namespace_find(s, "network") == NULL,
                   "rootless: user namespace, no network namespace");
            tap_ok(s->linux_cfg.uid_mappings.n == 1 &&
                       s->linux_cfg.uid_mappings.v[0].host_id == geteuid() &&
                       s->linux_cfg.uid_mappings.v[0].container_id == 0 &&
                       s->linux_cfg.gid_mappings.n == 1 &&
                       s->linux_cfg.gid_mappings.v[0].host_id == getegid(),
                   "rootless: euid/egid mapped to 0");
            for (size_t i = 0; i < s->n_mounts; i++) {
                for (size_t j = 0; j < s->mounts[i].options.n; j++)
                    has_gid_opt = has_gid_opt || strncmp(s->mounts[i].options.v[j], "gid=", 4) == 0;
            }
            tap_ok(!has_gid_opt, "rootless: no gid= mount options");
            tap_ok(strcmp(s->mounts[5].destination, "/sys") == 0 &&
                       strcmp(s->mounts[5].options.v[0], "rbind") == 0,
                   "rootless: /sys is a read-only rbind");
            tap_ok(s->linux_cfg.resources == NULL, "rootless: no cgroup resources");
        }
        specutils_free(s);
    }
    {
        cleanup_free char *f = specutils_features_json("9.9.9");
        json_t *doc = json_loads(f, 0, NULL);

        tap_ok(doc != NULL && json_is_string(json_object_get(doc, "ociVersionMax")) &&
                   json_array_size(json_object_get(doc, "hooks")) == 6 &&
                   json_array_size(json_object_get(json_object_get(doc, "linux"), "namespaces")) ==
                       8 &&
                   strcmp(json_string_value(json_object_get(json_object_get(doc, "annotations"),
                                                            "io.github.runsc-c.version")),
                          "9.9.9") == 0,
               "features JSON has runc's shape");
        json_decref(doc);
    }
}

static const char *pod_json(const char *annotations)
{
    static char buf[1024];

    snprintf(buf, sizeof(buf),
             "{\"ociVersion\":\"1.1.0\",\"process\":{\"user\":{\"uid\":0,\"gid\":0},"
             "\"args\":[\"/pause\"],\"cwd\":\"/\"},\"root\":{\"path\":\"/r\"},"
             "\"annotations\":{%s}}",
             annotations);
    return buf;
}

static void check_role(const char *name, const char *annotations, int want_ret,
                       enum spec_pod_role want_role, const char *want_id, const char *want_msg)
{
    struct spec *s = parse_ok(pod_json(annotations), name);
    rt_error_t err = NULL;
    enum spec_pod_role role = SPEC_POD_STANDALONE;
    const char *id = NULL;
    int ret;

    if (s == NULL)
        return;
    ret = specutils_pod_role(s, &role, &id, &err);
    if (want_ret == 0)
        tap_ok(ret == 0 && role == want_role &&
                   ((want_id == NULL && id == NULL) ||
                    (want_id != NULL && id != NULL && strcmp(id, want_id) == 0)),
               "%s: role %d id %s (got ret %d role %d id %s; %s)", name, want_role,
               want_id ? want_id : "NULL", ret, role, id ? id : "NULL", rt_error_msg(err));
    else
        tap_ok(ret < 0 && strstr(rt_error_msg(err), want_msg) != NULL,
               "%s: error naming `%s` (got \"%s\")", name, want_msg, rt_error_msg(err));
    rt_error_release(&err);
    specutils_free(s);
}

static void test_pod_roles(void)
{
    check_role("standalone", "\"x\":\"y\"", 0, SPEC_POD_STANDALONE, NULL, NULL);
    check_role("CRI sandbox",
               "\"io.kubernetes.cri.container-type\":\"sandbox\","
               "\"io.kubernetes.cri.sandbox-id\":\"pod1\"",
               0, SPEC_POD_SANDBOX, "pod1", NULL);
    check_role("CRI container",
               "\"io.kubernetes.cri.container-type\":\"container\","
               "\"io.kubernetes.cri.sandbox-id\":\"pod1\"",
               0, SPEC_POD_CONTAINER, "pod1", NULL);
    check_role("CRI-O sandbox",
               "\"io.kubernetes.cri-o.ContainerType\":\"sandbox\","
               "\"io.kubernetes.cri-o.SandboxID\":\"pod2\"",
               0, SPEC_POD_SANDBOX, "pod2", NULL);
    check_role("CRI-O container",
               "\"io.kubernetes.cri-o.ContainerType\":\"container\","
               "\"io.kubernetes.cri-o.SandboxID\":\"pod2\"",
               0, SPEC_POD_CONTAINER, "pod2", NULL);
    check_role("CRI container without sandbox id",
               "\"io.kubernetes.cri.container-type\":\"container\"", -1, 0, NULL,
               "annotations[\"io.kubernetes.cri.container-type\"]: \"container\" needs the "
               "sandbox id in annotations[\"io.kubernetes.cri.sandbox-id\"]");
    check_role("CRI-O container with empty sandbox id",
               "\"io.kubernetes.cri-o.ContainerType\":\"container\","
               "\"io.kubernetes.cri-o.SandboxID\":\"\"",
               -1, 0, NULL, "io.kubernetes.cri-o.SandboxID");
    check_role("unknown container type", "\"io.kubernetes.cri.container-type\":\"vm\"", -1, 0, NULL,
               "unknown container type \"vm\"");
}

static void test_process_parse(void)
{
    static const char good[] =
        "{\"terminal\":false,\"user\":{\"uid\":33,\"gid\":34,\"additionalGids\":[1]},"
        "\"args\":[\"ls\",\"-l\"],\"env\":[\"PATH=/bin\"],\"cwd\":\"/tmp\","
        "\"capabilities\":{\"bounding\":[\"CAP_KILL\"]},\"noNewPrivileges\":true,"
        "\"rlimits\":[{\"type\":\"RLIMIT_NPROC\",\"hard\":5,\"soft\":4}],"
        "\"apparmorProfile\":\"p\",\"oomScoreAdj\":10}";
    struct spec_process *p = NULL;
    rt_error_t err = NULL;
    int ret;

    ret = specutils_process_parse(good, strlen(good), &p, &err);

    if (tap_ok(ret == 0, "exec process parses (%s)", rt_error_msg(err))) {
        tap_ok(!p->terminal && p->user.uid == 33 && p->user.gid == 34 &&
                   p->user.n_additional_gids == 1 && p->args.n == 2 &&
                   strcmp(p->args.v[1], "-l") == 0 && p->args.v[2] == NULL &&
                   strcmp(p->env.v[0], "PATH=/bin") == 0 && strcmp(p->cwd, "/tmp") == 0 &&
                   p->capabilities->bounding_mask == 1ull << 5 && p->no_new_privileges &&
                   p->n_rlimits == 1 && p->rlimits[0].resource == RLIMIT_NPROC &&
                   strcmp(p->apparmor_profile, "p") == 0 && p->oom_score_adj == 10,
               "exec process fields");
    }
    specutils_process_free(p);
    rt_error_release(&err);

    p = NULL;
    static const char bad[] = "{\"user\":{\"uid\":0,\"gid\":0},\"args\":[],\"cwd\":\"/\"}";
    ret = specutils_process_parse(bad, strlen(bad), &p, &err);
    tap_ok(ret < 0 && p == NULL &&
               strstr(rt_error_msg(err), "args: must be a non-empty array of strings") != NULL,
           "exec process without args rejected (%s)", rt_error_msg(err));
    rt_error_release(&err);
    static const char bad2[] = "{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"a\"],\"cwd\":\"x\"}";
    ret = specutils_process_parse(bad2, strlen(bad2), &p, &err);
    tap_ok(ret < 0 && strstr(rt_error_msg(err), "cwd: must be an absolute path") != NULL,
           "exec process relative cwd rejected (%s)", rt_error_msg(err));
    rt_error_release(&err);
    ret = specutils_process_parse("[]", 2, &p, &err);
    tap_ok(ret < 0 && strstr(rt_error_msg(err), "process: must be an object, not an array") != NULL,
           "exec process not an object (%s)", rt_error_msg(err));
    rt_error_release(&err);
}

static void test_resources_parse(void)
{
    static const char body[] = "{\"memory\":{\"limit\":268435456,\"swap\":536870912},"
                               "\"cpu\":{\"quota\":100000,\"period\":100000}}";
    struct spec_resources *r = NULL;
    rt_error_t err = NULL;
    int ret;

    ret = specutils_resources_parse(body, strlen(body), &r, &err);

    if (tap_ok(ret == 0, "update --resources body parses (%s)", rt_error_msg(err)))
        tap_ok(r->memory->has_limit && r->memory->limit == 268435456 && r->memory->has_swap &&
                   r->memory->swap == 536870912 && !r->memory->has_reservation &&
                   r->cpu->quota == 100000 && r->cpu->period == 100000 && r->pids == NULL,
               "update body fields");
    static const char bad_pids[] = "{\"pids\":{\"limit\":\"x\"}}";

    specutils_resources_free(r);
    r = NULL;
    ret = specutils_resources_parse(bad_pids, strlen(bad_pids), &r, &err);
    tap_ok(ret < 0 &&
               strstr(rt_error_msg(err), "pids.limit: must be an integer, not a string") != NULL,
           "update body with bad pids.limit (%s)", rt_error_msg(err));
    rt_error_release(&err);
}

static int write_text(const char *path, const char *text, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int ret = 0;

    if (fd < 0)
        return -1;
    if (write(fd, text, len) != (ssize_t)len)
        ret = -1;
    close(fd);
    return ret;
}

static void test_load(void)
{
    char dir[] = "/tmp/test_specutils.XXXXXX";
    cleanup_free char *cfg = NULL;
    cleanup_free char *real = NULL;
    cleanup_free char *want = NULL;
    rt_error_t err = NULL;
    struct spec *s = NULL;
    int ret;

    if (!tap_ok(mkdtemp(dir) != NULL, "mkdtemp"))
        return;
    cfg = xasprintf("%s/config.json", dir);
    ret = specutils_load(dir, NULL, &s, &err);
    tap_ok(ret < 0 && rt_error_status(err) == ENOENT &&
               strstr(rt_error_msg(err), "config.json") != NULL,
           "missing config.json: ENOENT naming the file (%s)", rt_error_msg(err));
    rt_error_release(&err);

    write_text(cfg, g_base, strlen(g_base));
    real = realpath(dir, NULL);
    want = xasprintf("%s/rootfs", real);
    ret = specutils_load(dir, NULL, &s, &err);
    if (tap_ok(ret == 0, "load bundle (%s)", rt_error_msg(err))) {
        CHECK_STR(s->root.path, "rootfs", "root.path kept raw");
        CHECK_STR(s->root.resolved_path, want, "root.path resolved against the bundle");
    }
    specutils_free(s);
    s = NULL;
    rt_error_release(&err);

    /* A relative bundle with "./rootfs/" resolves to the same clean path. */
    {
        cleanup_free char *cwd = getcwd(NULL, 0);
        size_t len;
        cleanup_free char *json = base_replace("\"rootfs\"", "\"./rootfs//\"", 12, &len);

        write_text(cfg, json, len);
        if (chdir("/tmp") == 0) {
            ret = specutils_load(dir + 5, NULL, &s, &err);
            if (tap_ok(ret == 0, "load relative bundle (%s)", rt_error_msg(err)))
                CHECK_STR(s->root.resolved_path, want, "./rootfs// resolved and cleaned");
            specutils_free(s);
            s = NULL;
            rt_error_release(&err);
            if (cwd != NULL && chdir(cwd) != 0)
                tap_diag("cannot go back to %s", cwd);
        }
    }

    /* An explicit config path with a broken config: the error names both. */
    {
        cleanup_free char *other = xasprintf("%s/other.json", dir);

        write_text(other, "{\"ociVersion\":\"1.0.0\"}", 22);
        ret = specutils_load(dir, other, &s, &err);
        tap_ok(ret < 0 && strstr(rt_error_msg(err), "other.json") != NULL &&
                   strstr(rt_error_msg(err), "root: is required") != NULL,
               "explicit config path error (%s)", rt_error_msg(err));
        rt_error_release(&err);
        unlink(other);
    }

    /* Not a regular file. */
    unlink(cfg);
    mkdir(cfg, 0755);
    ret = specutils_load(dir, NULL, &s, &err);
    tap_ok(ret < 0 && strstr(rt_error_msg(err), "is not a regular file") != NULL,
           "config.json a directory (%s)", rt_error_msg(err));
    rt_error_release(&err);
    rmdir(cfg);
    mkfifo(cfg, 0644);
    ret = specutils_load(dir, NULL, &s, &err);
    tap_ok(ret < 0 && strstr(rt_error_msg(err), "is not a regular file") != NULL,
           "config.json a FIFO does not hang (%s)", rt_error_msg(err));
    rt_error_release(&err);
    unlink(cfg);

    /* Over the size cap on disk. */
    {
        int fd = open(cfg, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

        if (fd >= 0) {
            if (ftruncate(fd, (off_t)SPECUTILS_MAX_CONFIG_SIZE + 1) != 0)
                tap_diag("ftruncate failed");
            close(fd);
        }
        ret = specutils_load(dir, NULL, &s, &err);
        tap_ok(ret < 0 && strstr(rt_error_msg(err), "more than the limit") != NULL,
               "17 MiB config.json refused (%s)", rt_error_msg(err));
        rt_error_release(&err);
        unlink(cfg);
    }
    rmdir(dir);
}

static void test_tables(void)
{
    tap_ok(specutils_signal_from_name("9") == 9, "signal \"9\"");
    tap_ok(specutils_signal_from_name("KILL") == 9, "signal KILL");
    tap_ok(specutils_signal_from_name("sigterm") == 15, "signal sigterm");
    tap_ok(specutils_signal_from_name("SIGRTMIN+2") == 36, "signal SIGRTMIN+2");
    tap_ok(specutils_signal_from_name("RTMAX") == 64, "signal RTMAX");
    tap_ok(specutils_signal_from_name("65") == -1, "signal 65 rejected");
    tap_ok(specutils_signal_from_name("0") == -1, "signal 0 rejected");
    tap_ok(specutils_signal_from_name("FOO") == -1, "signal FOO rejected");
    tap_ok(specutils_signal_from_name("") == -1, "empty signal rejected");
    TAP_STR_EQ(specutils_signal_name(15), "SIGTERM", "signal name 15");
    tap_ok(specutils_rlimit_from_name("RLIMIT_STACK") == RLIMIT_STACK, "rlimit STACK");
    TAP_STR_EQ(specutils_rlimit_name(RLIMIT_NOFILE), "RLIMIT_NOFILE", "rlimit name");
    tap_ok(specutils_capability_from_name("CAP_BPF") == 39, "CAP_BPF is 39");
    TAP_STR_EQ(specutils_capability_name(40), "CAP_CHECKPOINT_RESTORE", "cap 40");
    tap_ok(specutils_capability_name(41) == NULL, "cap 41 unknown");
    tap_ok(specutils_ns_clone_flag(SPEC_NS_NETWORK) == 0x40000000, "CLONE_NEWNET");
    tap_ok(specutils_ns_type_from_name("time") == SPEC_NS_TIME, "time namespace");
}

static void test_accepted_variants(void)
{
    static const char *const versions[] = { "1.0.0", "1.0.2-dev", "1.1.0-rc.1", "1.2.1",
                                            "1.2.0+git" };
    char msg[512];

    for (size_t i = 0; i < ARRAY_SIZE(versions); i++) {
        struct mcase mc = { "version", { { "ociVersion", NULL } }, NULL };
        char value[64];
        char *json;

        snprintf(value, sizeof(value), "\"%s\"", versions[i]);
        mc.m[0].value = value;
        json = mutate(&mc);
        tap_ok(try_parse(json, strlen(json), msg, sizeof(msg)) == 0, "ociVersion %s accepted (%s)",
               versions[i], msg);
        free(json);
    }
    {
        struct mcase mc = { "nulls",
                            { { "hostname", "null" }, { "linux.seccomp", "null" } },
                            NULL };
        char *json = mutate(&mc);

        tap_ok(try_parse(json, strlen(json), msg, sizeof(msg)) == 0,
               "null optional fields count as absent (%s)", msg);
        free(json);
    }
}

/*
 * Deterministic mutation fuzzing of full.json: byte flips, structural
 * characters and truncations. Every input must be either accepted or
 * rejected with a message; under ASAN/UBSAN this also proves no crash or leak.
 */
static void test_fuzz(void)
{
    static const char interesting[] = "{}[]\",:-0123456789\\ \xff\x00\x80"
                                      "ae.";
    cleanup_free char *path = data_path("full.json");
    cleanup_free char *json = NULL;
    size_t len = 0, accepted = 0, rejected = 0, bad = 0;
    unsigned int seed = 12345;

    json = read_file(path, &len);
    if (!tap_ok(json != NULL, "fuzz: read %s", path))
        return;
    for (int iter = 0; iter < 3000; iter++) {
        char *buf = xmalloc(len + 1);
        size_t n = len;
        int edits = 1 + rand_r(&seed) % 4;
        rt_error_t err = NULL;
        struct spec *s = NULL;

        memcpy(buf, json, len);
        for (int e = 0; e < edits; e++) {
            size_t at = (size_t)rand_r(&seed) % n;

            buf[at] = interesting[rand_r(&seed) % (sizeof(interesting) - 1)];
        }
        if (rand_r(&seed) % 4 == 0)
            n = (size_t)rand_r(&seed) % n;
        if (specutils_parse(buf, n, &s, &err) == 0) {
            accepted++;
            bad += s == NULL;
        } else {
            rejected++;
            bad += s != NULL || err == NULL || rt_error_msg(err)[0] == '\0';
        }
        specutils_free(s);
        rt_error_release(&err);
        free(buf);
    }
    tap_ok(bad == 0 && accepted + rejected == 3000,
           "fuzz: 3000 mutated configs handled (%zu accepted, %zu rejected, %zu bad)", accepted,
           rejected, bad);
}

int main(void)
{
    test_mutations();
    test_raw_inputs();
    test_full();
    test_default_spec();
    test_pod_roles();
    test_process_parse();
    test_resources_parse();
    test_load();
    test_tables();
    test_accepted_variants();
    test_fuzz();
    return tap_done();
}
