/*
** gen's parts (see gen.c): the incident being generated, as the generator
** (gen_incident.c) fills it and the writers (gen_write.c) print it, and the
** entry points main calls.
*/
#ifndef GEN_H
#define GEN_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdint.h>
#include <stdio.h>

#include "gen_out.h"
#include "gen_rng.h"
#include "gen_vocab.h"

/* ---- the incident being generated ------------------------------------ */

enum { MAX_OFFICERS = 4, MAX_SUBJECTS = 2, MAX_ACCOUNTS = 2, MAX_EVENTS = 40, MAX_ATTRS = 8 };

typedef enum vtype { V_STR, V_INT, V_FIX1, V_BOOL } vtype;

typedef struct attr {
    const char *name;
    const char *s;     /* V_STR */
    int64_t i;         /* V_INT, V_BOOL; tenths for V_FIX1 */
    vtype type;
} attr;

typedef struct event {
    const char *type;
    int32_t t10;       /* tenths of a second from the start */
    int na;
    attr a[MAX_ATTRS];
    char text[16];     /* storage for a generated attribute value */
} event;

typedef struct account {
    const char *id;
    const char *kind;
    char source[96];
    int author;        /* officer index, -1 for none */
    char filed_at[32];
    int nev;
    event ev[MAX_EVENTS];
} account;

typedef struct officer {
    char id[16];
    int role;
    int sex;
    int years;
} officer;

typedef struct subject {
    char id[8];
    int sex, race, eth, age, impairment, armed, injury;
    int in_vehicle;
} subject;

typedef struct incident {
    char id[32];
    char agency[16];
    char occurred_at[32];
    int day;            /* days since 1970-01-01, local */
    int minute;         /* minute of the local day */
    const struct state *st;
    char offset[8];     /* "-05:00" */
    int32_t lat, lon;   /* 1e-5 degrees */
    int loc_type, contact_reason, encounter;
    char case_number[24];
    int nof, nsub, has_vehicle, vehicle_kind;
    officer of[MAX_OFFICERS];
    subject sub[MAX_SUBJECTS];
    int nacc;
    account acc[MAX_ACCOUNTS];
} incident;

/* gen_incident.c: incident number index of the stream seed, into *inc. */
void gen_incident(uint64_t seed, uint64_t index, incident *inc);
/* gen_incident.c: "YYYY-MM-DDThh:mm" and the offset, from days since 1970-01-01 and a
** minute of the day, into dst (32 bytes). */
void fmt_datetime(char *dst, int64_t day, int minute, const char *offset);

/* gen_write.c: one incident as a JSON Lines document. */
void write_json(out *o, const incident *inc);
/* gen_write.c: one incident as a row of incidents.csv and its rows of events.csv. */
void write_csv(out *inc_out, out *ev_out, const incident *inc);

/* gen_wapo.c: n rows of the Washington Post's v2 layout, with its header. */
void write_wapo(out *o, uint64_t seed, uint64_t n);

#endif
