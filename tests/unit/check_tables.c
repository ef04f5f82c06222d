/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_tables.c - the tables of conditions and actions against what is written about them:
 * relaywarden.rules(5) lists every condition and every action, in table order, each as a .TP
 * entry, and the -n hints name them all. A row added to a table without its page fails here.
 */
#include "action.h"
#include "cond.h"
#include "testutil.h"

/* The first words of the .TP entries between the lines starting with from and to. */
static size_t
man_entries(const char *from, const char *to, char names[][64], size_t max)
{
    char path[512], line[1024];
    FILE *f;
    size_t n = 0;
    int in = 0, tp = 0;

    snprintf(path, sizeof(path), "%s/../contrib/relaywarden.rules.5", TEST_SRCDIR);
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    while (fgets(line, sizeof(line), f) != NULL) {
        if (!in && strncmp(line, from, strlen(from)) == 0) {
            in = 1;
            continue;
        }
        if (in && strncmp(line, to, strlen(to)) == 0)
            break;
        if (!in)
            continue;
        if (strncmp(line, ".TP", 3) == 0) {
            tp = 1;
            continue;
        }
        if (tp && n < max && (strncmp(line, ".BI ", 4) == 0 || strncmp(line, ".B ", 3) == 0)) {
            const char *w = line + (line[2] == 'I' ? 4 : 3);
            size_t k;
            /* a two-word keyword is quoted: .BI "attachment name " names */
            if (*w == '"') {
                w++;
                k = strcspn(w, "\"\n");
                while (k > 0 && w[k - 1] == ' ')
                    k--;
            } else {
                k = strcspn(w, " \n\"");
            }
            ck_assert(k < 64);
            memcpy(names[n], w, k);
            names[n++][k] = '\0';
        }
        tp = 0;
    }
    fclose(f);
    return n;
}

START_TEST(test_man_conditions)
{
    char names[64][64];
    size_t n = man_entries("Conditions, each negated", ".SS ", names, 64), i;

    ck_assert_uint_eq(n, cond_count());
    for (i = 0; i < n; i++)
        ck_assert_msg(strcmp(names[i], cond_at(i)->name) == 0, "condition %zu: man %s, table %s",
                      i, names[i], cond_at(i)->name);
}
END_TEST

START_TEST(test_man_actions)
{
    char names[64][64];
    size_t n = man_entries("Actions:", ".PP", names, 64), i;

    ck_assert_uint_eq(n, action_count());
    for (i = 0; i < n; i++)
        ck_assert_msg(strcmp(names[i], action_at(i)->name) == 0, "action %zu: man %s, table %s",
                      i, names[i], action_at(i)->name);
}
END_TEST

/* Every row has what the parser and the engine need; keywords are unique. */
START_TEST(test_table_rows)
{
    char buf[1024];
    size_t i, j;

    for (i = 0; i < cond_count(); i++) {
        const struct cond_def *d = cond_at(i);
        ck_assert(d->eval != NULL && d->help != NULL && d->help[0] != '\0');
        ck_assert_ptr_eq(cond_lookup(d->name), d);
        ck_assert(d->arg != CARG_LIST || d->list <= LIST_LOGINS_FROM); /* geoip: the last list type */
        ck_assert(strstr(cond_names(buf, sizeof(buf)), d->name) != NULL);
        for (j = 0; j < i; j++)
            ck_assert(strcmp(cond_at(j)->name, d->name) != 0);
    }
    for (i = 0; i < action_count(); i++) {
        const struct action_def *d = action_at(i);
        ck_assert(d->help != NULL && d->help[0] != '\0');
        ck_assert_ptr_eq(action_lookup(d->name), d);
        ck_assert_ptr_eq(action_def(d->act), d);
        ck_assert_str_eq(rules_action_name(d->act), d->name);
        ck_assert((d->reply_class != 0) == (d->text == ATEXT_REPLY));
        ck_assert(strstr(action_names(buf, sizeof(buf)), d->name) != NULL);
    }
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("tables");
    TCase *tc = tcase_create("tables");

    tcase_add_test(tc, test_man_conditions);
    tcase_add_test(tc, test_man_actions);
    tcase_add_test(tc, test_table_rows);
    suite_add_tcase(s, tc);
    return testutil_run(s);
}
