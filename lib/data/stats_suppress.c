/*
** Statistics' small-cell suppression (see fw_stats_suppress in stats.h and
** docs/statistics.md): primary suppression under k, then complementary
** suppression, the line rule generalised to "no suppressed entry is a
** bridge" of the graph of a two-dimensional table's rows and columns,
** which for tables of up to two dimensions is exactly "cannot be derived".
** Pure: no I/O.  The counting and the writers are in stats.c.
*/
#include "data/stats.h"
#include "data/stats_int.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

static void primary(fw_stats_part *p, int k)
{
    size_t i;
    for (i = 0; i < p->n; i++)
        if (p->cells[i].count > 0 && p->cells[i].count < k)
            p->cells[i].suppressed = true;
}

/*
** A one-dimensional table and its total: one line.  If exactly one of its
** members is suppressed, the smallest published cell joins it; two or more
** suppressed non-zero members can trade a unit, so none is derivable.
*/
static void suppress_line(fw_stats_part *cells, const fw_stats_cell *total)
{
    size_t i, nsup = total->suppressed ? 1 : 0, best = cells->n;
    for (i = 0; i < cells->n; i++) {
        if (cells->cells[i].suppressed)
            nsup++;
        else if (cells->cells[i].count > 0 &&
                 (best == cells->n || cells->cells[i].count < cells->cells[best].count))
            best = i;
    }
    if (nsup == 1 && best < cells->n)
        cells->cells[best].suppressed = true;
}

/* The index of a code among a margin's sorted cells (as a row or column). */
static size_t margin_index(const fw_stats_part *margin, size_t dim, uint32_t code)
{
    size_t i;
    for (i = 0; i < margin->n; i++)
        if (margin->cells[i].codes[dim] == code)
            return i;
    return (size_t)-1;
}

/*
** Two dimensions.  Lay the table out with its margins as an (R+1) x (C+1)
** array: cells, row margins in column C, column margins in row R, the total
** at (R, C).  Every row and column of that array is a published equation.
** Its suppressed entries are the edges of a bipartite graph between rows
** and columns; the equations leave an entry free exactly when its edge lies
** on a cycle (a cycle can be shifted by one unit, and every suppressed entry
** is at least 1), so the derivable entries are the bridges.  While there is
** a bridge, suppress the smallest published cell that joins its two sides.
** Only cells are added: the margins keep the suppression of their own
** one-dimensional tables.
*/
typedef struct grid {
    size_t R, C;
    int64_t *count;      /* (R+1)*(C+1) */
    bool *sup;
    size_t *cell;        /* index into the cells part, or SIZE_MAX for a zero cell */
} grid;

typedef struct graph {
    size_t nv;
    size_t *head, *next, *to;  /* adjacency: edges twice, edge e/2 is entry edge_entry[e/2] */
    size_t *edge_entry;
    size_t ne;
    /* DFS state */
    size_t *disc, *low, *size, *comp, *parent_edge;
} graph;

static size_t vid_row(const grid *g, size_t i) { (void)g; return i; }
static size_t vid_col(const grid *g, size_t j) { return g->R + 1 + j; }

static fw_rc find_bridge(const grid *g, size_t *bridge_entry, size_t *side_v, graph *gr)
{
    size_t nv = g->R + 1 + g->C + 1, W = g->C + 1, e, v, counter = 0, ncomp = 0;
    size_t *stack, *iter;
    fw_rc rc = FW_OK;

    memset(gr, 0, sizeof *gr);
    gr->nv = nv;
    gr->head = malloc(nv * sizeof(size_t));
    gr->disc = malloc(nv * sizeof(size_t));
    gr->low = malloc(nv * sizeof(size_t));
    gr->size = malloc(nv * sizeof(size_t));
    gr->comp = malloc(nv * sizeof(size_t));
    gr->parent_edge = malloc(nv * sizeof(size_t));
    stack = malloc(nv * sizeof(size_t));
    iter = malloc(nv * sizeof(size_t));
    gr->ne = 0;
    for (e = 0; e < (g->R + 1) * W; e++)
        gr->ne += g->sup[e];
    gr->next = malloc((2 * gr->ne + 1) * sizeof(size_t));
    gr->to = malloc((2 * gr->ne + 1) * sizeof(size_t));
    gr->edge_entry = malloc((gr->ne + 1) * sizeof(size_t));
    if (!gr->head || !gr->disc || !gr->low || !gr->size || !gr->comp || !gr->parent_edge ||
        !stack || !iter || !gr->next || !gr->to || !gr->edge_entry) {
        rc = FW_ERR_NOMEM;
        goto done;
    }
    for (v = 0; v < nv; v++) {
        gr->head[v] = SIZE_MAX;
        gr->disc[v] = SIZE_MAX;
    }
    gr->ne = 0;
    for (e = 0; e < (g->R + 1) * W; e++) {
        size_t a, b;
        if (!g->sup[e])
            continue;
        a = vid_row(g, e / W);
        b = vid_col(g, e % W);
        gr->edge_entry[gr->ne] = e;
        gr->to[2 * gr->ne] = b;
        gr->next[2 * gr->ne] = gr->head[a];
        gr->head[a] = 2 * gr->ne;
        gr->to[2 * gr->ne + 1] = a;
        gr->next[2 * gr->ne + 1] = gr->head[b];
        gr->head[b] = 2 * gr->ne + 1;
        gr->ne++;
    }
    *bridge_entry = SIZE_MAX;
    /* Iterative DFS with low-links. */
    for (v = 0; v < nv && *bridge_entry == SIZE_MAX; v++) {
        size_t sp = 0;
        if (gr->disc[v] != SIZE_MAX)
            continue;
        gr->disc[v] = gr->low[v] = counter++;
        gr->size[v] = 1;
        gr->comp[v] = ncomp;
        gr->parent_edge[v] = SIZE_MAX;
        iter[v] = gr->head[v];
        stack[sp++] = v;
        while (sp) {
            size_t u = stack[sp - 1], h = iter[u];
            if (h != SIZE_MAX) {
                size_t w = gr->to[h];
                iter[u] = gr->next[h];
                if ((h ^ 1) == gr->parent_edge[u])
                    continue;
                if (gr->disc[w] == SIZE_MAX) {
                    gr->disc[w] = gr->low[w] = counter++;
                    gr->size[w] = 1;
                    gr->comp[w] = ncomp;
                    gr->parent_edge[w] = h;
                    iter[w] = gr->head[w];
                    stack[sp++] = w;
                } else if (gr->disc[w] < gr->low[u]) {
                    gr->low[u] = gr->disc[w];
                }
            } else {
                sp--;
                if (gr->parent_edge[u] != SIZE_MAX) {
                    size_t p = gr->to[gr->parent_edge[u] ^ 1];
                    gr->size[p] += gr->size[u];
                    if (gr->low[u] < gr->low[p])
                        gr->low[p] = gr->low[u];
                    if (gr->low[u] > gr->disc[p] && *bridge_entry == SIZE_MAX) {
                        *bridge_entry = gr->edge_entry[gr->parent_edge[u] / 2];
                        *side_v = u;
                    }
                }
            }
        }
        ncomp++;
    }
done:
    free(stack);
    free(iter);
    return rc;
}

static void graph_release(graph *gr)
{
    free(gr->head);
    free(gr->next);
    free(gr->to);
    free(gr->edge_entry);
    free(gr->disc);
    free(gr->low);
    free(gr->size);
    free(gr->comp);
    free(gr->parent_edge);
}

/* Whether vertex w is in the DFS subtree of v (the bridge's far side). */
static bool in_subtree(const graph *gr, size_t v, size_t w)
{
    return gr->disc[w] != SIZE_MAX && gr->comp[w] == gr->comp[v] && gr->disc[w] >= gr->disc[v] &&
           gr->disc[w] < gr->disc[v] + gr->size[v];
}

static fw_rc suppress_2d(fw_stats_table *t)
{
    fw_stats_part *cells = &t->part[3], *rows = &t->part[1], *cols = &t->part[2];
    grid g;
    size_t i, j, W, zero_cells = 0;
    fw_rc rc = FW_OK;

    g.R = rows->n;
    g.C = cols->n;
    W = g.C + 1;
    g.count = calloc((g.R + 1) * W, sizeof *g.count);
    g.sup = calloc((g.R + 1) * W, sizeof *g.sup);
    g.cell = malloc((g.R + 1) * W * sizeof *g.cell);
    if (!g.count || !g.sup || !g.cell) {
        rc = FW_ERR_NOMEM;
        goto done;
    }
    for (i = 0; i < (g.R + 1) * W; i++)
        g.cell[i] = SIZE_MAX;
    for (i = 0; i < cells->n; i++) {
        size_t r = margin_index(rows, 0, cells->cells[i].codes[0]);
        size_t c = margin_index(cols, 1, cells->cells[i].codes[1]);
        assert(r < g.R && c < g.C);
        g.count[r * W + c] = cells->cells[i].count;
        g.sup[r * W + c] = cells->cells[i].suppressed;
        g.cell[r * W + c] = i;
    }
    for (i = 0; i < g.R; i++) {
        g.count[i * W + g.C] = rows->cells[i].count;
        g.sup[i * W + g.C] = rows->cells[i].suppressed;
    }
    for (j = 0; j < g.C; j++) {
        g.count[g.R * W + j] = cols->cells[j].count;
        g.sup[g.R * W + j] = cols->cells[j].suppressed;
    }
    g.count[g.R * W + g.C] = t->part[0].cells[0].count;
    g.sup[g.R * W + g.C] = t->part[0].cells[0].suppressed;

    for (;;) {
        graph gr;
        size_t bridge, far = 0, best = SIZE_MAX;
        if ((rc = find_bridge(&g, &bridge, &far, &gr))) {
            graph_release(&gr);
            break;
        }
        if (bridge == SIZE_MAX) {
            graph_release(&gr);
            break;
        }
        /* A published cell with one end on the bridge's far side: one whose
        ** other end is on the near side closes a cycle at once and is taken
        ** first; else one toward the rest of the table, to be closed later.
        ** The smallest non-zero one, a zero cell only if there is none. */
        {
            size_t near = bridge / W == far ? g.R + 1 + bridge % W : bridge / W, best_rank = 0;
            for (i = 0; i < g.R; i++) {
                for (j = 0; j < g.C; j++) {
                    size_t e = i * W + j, vr = vid_row(&g, i), vc = vid_col(&g, j), other,
                           rank;
                    bool r_far, c_far;
                    if (g.sup[e])
                        continue;
                    r_far = in_subtree(&gr, far, vr);
                    c_far = in_subtree(&gr, far, vc);
                    if (r_far == c_far)
                        continue;
                    other = r_far ? vc : vr;
                    /* 3: closes a cycle, non-zero; 2: non-zero; 1: closes, zero; 0: zero */
                    rank = (g.count[e] > 0 ? 2 : 0) +
                           (gr.disc[other] != SIZE_MAX && gr.comp[other] == gr.comp[near]);
                    if (best == SIZE_MAX || rank > best_rank ||
                        (rank == best_rank && g.count[e] < g.count[best])) {
                        best = e;
                        best_rank = rank;
                    }
                }
            }
        }
        graph_release(&gr);
        if (best == SIZE_MAX)
            break;   /* nothing left to suppress: the auditor in test_stats says if it matters */
        g.sup[best] = true;
        if (g.cell[best] == SIZE_MAX)
            zero_cells++;
    }
    if (rc)
        goto done;
    for (i = 0; i < g.R; i++)
        for (j = 0; j < g.C; j++)
            if (g.sup[i * W + j] && g.cell[i * W + j] != SIZE_MAX)
                cells->cells[g.cell[i * W + j]].suppressed = true;
    if (zero_cells) {
        /* Zero cells that had to be suppressed are listed, as suppressed. */
        fw_stats_cell *grown = realloc(cells->cells, (cells->n + zero_cells) * sizeof *grown);
        if (!grown) {
            rc = FW_ERR_NOMEM;
            goto done;
        }
        cells->cells = grown;
        for (i = 0; i < g.R; i++)
            for (j = 0; j < g.C; j++)
                if (g.sup[i * W + j] && g.cell[i * W + j] == SIZE_MAX) {
                    fw_stats_cell *c = &cells->cells[cells->n++];
                    memset(c, 0, sizeof *c);
                    c->codes[0] = rows->cells[i].codes[0];
                    c->codes[1] = cols->cells[j].codes[1];
                    c->suppressed = true;
                }
        fw_stats_sort_cells(t, 3, cells);
    }
done:
    free(g.count);
    free(g.sup);
    free(g.cell);
    return rc;
}

fw_rc fw_stats_suppress(fw_stats_table *t, int k, fw_error *err)
{
    unsigned m;
    if (k < 1)
        return fw_error_set(err, FW_ERR_INVALID, "k: must be at least 1");
    if (t->nby > 2)
        return fw_error_set(err, FW_ERR_INVALID,
                            "by: public statistics group by at most two dimensions");
    t->k = k;
    for (m = 0; m < NPARTS(t->nby); m++)
        primary(&t->part[m], k);
    for (m = 1; m < NPARTS(t->nby); m++)
        if (m == 1 || m == 2)
            suppress_line(&t->part[m], &t->part[0].cells[0]);
    if (t->nby == 2 && suppress_2d(t))
        return fw_error_set(err, FW_ERR_NOMEM, "out of memory");
    return FW_OK;
}
