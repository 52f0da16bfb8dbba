// Record log: the current signed checkpoint, and checking an older one (or
// an export's stamp) against today's log.
import { api } from "../api.js";
import { h, field, notice } from "../dom.js";

export async function logPage(ctx) {
  let current = "";
  try {
    current = await api("/api/v1/log/checkpoint");
  } catch (e) {
    if (e.status !== 404) throw e;
  }
  const size = current ? current.split("\n")[1] : "0";
  const pasted = h("textarea", { name: "checkpoint", rows: 7, spellcheck: "false" });
  const result = h("div", { "aria-live": "polite", id: "verify-result" });
  ctx.main.append(h("h1", { tabindex: -1 }, "Record log"),
    h("p", { class: "lede" }, "Every change to a record is a leaf of an append-only Merkle tree; each commit is signed. Keep a checkpoint now, and later anyone can check that nothing before it was rewritten."),
    h("h2", {}, `The current checkpoint (${size} leaves)`),
    current ? h("pre", { class: "checkpoint", id: "checkpoint" }, current) : notice("The log is empty."),
    h("h2", {}, "Verify an older checkpoint or an export's stamp"),
    h("form", { onsubmit: async (ev) => {
      ev.preventDefault();
      result.replaceChildren(h("p", {}, "Checking…"));
      try {
        const v = await api("/api/v1/log/verify", { method: "POST", text: pasted.value });
        result.replaceChildren(notice(v.consistent
          ? `Consistent: the log of ${v.size} leaves is a prefix of today's ${v.current_size}; nothing in it was rewritten.`
          : `NOT consistent: ${v.reason || "the checkpoint does not match this log"}.`, v.consistent ? "ok" : "error"));
      } catch (e) {
        result.replaceChildren(notice(e.status === 404 ? "This server cannot verify checkpoints yet." : e.message, "error"));
      }
    } }, field("Checkpoint or stamp", pasted), h("button", { type: "submit" }, "Verify"), result));
}
