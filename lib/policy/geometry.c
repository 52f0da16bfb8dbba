/*
** The situation model's settings and values (situation.h): the defaults of
** the situation settings (fw_geometry_default, the one place they are set)
** and their bounds (fw_geometry_check),
** the vehicle-path geometry behind the derived vehicle facts, and fact values
** formatted for people and compared.  Split from situation.c, which replays
** an account into facts; nothing here reads an account.  Pure: no I/O.
*/
#include "policy/situation.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "record/canon.h"

#include "base/banned.h"

/* ---- geometry ---------------------------------------------------------- */

/* How far the corridor reaches beyond where the vehicle's reference point
** will be: a position is one point of a car some metres long. */
#define VEHICLE_LENGTH_M 2.5

void fw_geometry_default(fw_geometry *g)
{
    g->corridor_width_m = 3.0;
    g->horizon_s = 3.0;
    g->min_closing_mps = 0.2;
    g->threat_window_s = 60.0;
    g->reach_m = 6.4;
    g->align_tolerance_s = 10.0;
}

fw_rc fw_geometry_check(const fw_geometry *g, fw_error *err)
{
    const struct {
        const char *name;
        double v, max;
        const char *unit;
    } rows[] = {
        {"threat_window_s", g->threat_window_s, FW_THREAT_WINDOW_MAX_S, "seconds"},
        {"align_tolerance_s", g->align_tolerance_s, FW_THREAT_WINDOW_MAX_S, "seconds"},
        {"horizon_s", g->horizon_s, FW_THREAT_WINDOW_MAX_S, "seconds"},
        {"reach_m", g->reach_m, FW_GEOMETRY_MAX_M, "metres"},
        {"corridor_width_m", g->corridor_width_m, FW_GEOMETRY_MAX_M, "metres"},
        {"min_closing_mps", g->min_closing_mps, FW_GEOMETRY_MAX_M, "metres a second"},
    };
    size_t i;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (!(rows[i].v >= 0 && rows[i].v <= rows[i].max))   /* refuses NaN too */
            return fw_error_set(err, FW_ERR_INVALID, "%s: expected %s from 0 to %.0f", rows[i].name,
                                rows[i].unit, rows[i].max);
    return FW_OK;
}

void fw_vehicle_geometry(const fw_geometry *g, double vx, double vy, double heading_deg,
                         double speed_mps, double px, double py, double *closing,
                         bool *in_path)
{
    fw_geometry def;
    double h, ux, uy, dx, dy, dist, along, lateral;

    if (!g) {
        fw_geometry_default(&def);
        g = &def;
    }
    *closing = 0;
    *in_path = false;
    /* A standing vehicle has no direction and sweeps no path, whatever its
    ** heading says. */
    if (!(speed_mps > 0))
        return;
    h = heading_deg * (M_PI / 180.0);
    ux = sin(h);   /* clockwise from north: 90 degrees is +x (east) */
    uy = cos(h);
    dx = px - vx;
    dy = py - vy;
    dist = hypot(dx, dy);
    along = dx * ux + dy * uy;
    lateral = fabs(dx * uy - dy * ux);
    if (dist > 0)
        *closing = speed_mps * along / dist;
    *in_path = along > 0 && along <= speed_mps * g->horizon_s + VEHICLE_LENGTH_M &&
               lateral <= g->corridor_width_m / 2;
}

/* ---- values ------------------------------------------------------------ */

void fw_value_format(const fw_value *v, char *out, size_t n)
{
    fw_buf b;

    if (!out || n == 0)
        return;
    switch (v ? v->type : FW_V_UNKNOWN) {
    case FW_V_BOOL:
        snprintf(out, n, "%s", v->b ? "true" : "false");
        return;
    case FW_V_NUM:
        fw_buf_init(&b, 64);
        if (fw_canon_number(v->num, &b) == FW_OK)
            snprintf(out, n, "%s", fw_buf_str(&b));
        else
            snprintf(out, n, "%g", v->num);   /* out of memory, or not finite */
        fw_buf_release(&b);
        return;
    case FW_V_STR:
        snprintf(out, n, "%s", v->str ? v->str : "unknown");
        return;
    case FW_V_UNKNOWN:
        break;
    }
    snprintf(out, n, "unknown");
}

bool fw_value_equal(const fw_value *a, const fw_value *b)
{
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case FW_V_BOOL:
        return a->b == b->b;
    case FW_V_NUM:
        return a->num == b->num;
    case FW_V_STR:
        if (!a->str || !b->str)
            return a->str == b->str;
        return strcmp(a->str, b->str) == 0;
    case FW_V_UNKNOWN:
        break;
    }
    return true;
}
