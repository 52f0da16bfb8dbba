/*
** An agency's chain as stored: the one lookup of an agency, its parent,
** grandparent... with their names, types, withdrawn marks and adopted
** policies (record/agency.h), that the command line, the server and the
** policy set's jurisdiction all use; and the check every stored agency
** record passes, that its parent_id names a stored agency and makes no
** cycle and no chain longer than FW_AGENCY_CHAIN_MAX.
**
** Ownership: the chain is the caller's value (no release).
*/
#ifndef FW_STORE_AGENCY_H
#define FW_STORE_AGENCY_H

#include "base/error.h"
#include "record/agency.h"
#include "store/store.h"

/*
** The chain of agency id, from the latest stored versions: links[0] is id
** itself (found false, and the chain one long, when no agency record of
** that id is stored), then its parent and so on, at most
** FW_AGENCY_CHAIN_MAX, stopping at a parent not stored.  FW_ERR_STORE (err)
** if the store cannot be read.
*/
fw_rc fw_agency_chain_load(fw_store *s, const char *id, fw_agency_chain *out, fw_error *err);

/*
** Whether the agency record id may name parent_id (NULL or "": no parent):
** FW_ERR_INVALID with a message starting "parent_id: " if no agency
** record parent_id is stored, if id is among parent_id's ancestors (a
** cycle), or if the chain would be longer than FW_AGENCY_CHAIN_MAX, its own
** or, when a stored agency changes parent, that of any of its descendants
** (read, such a chain would be cut short).
** fw_store_put_prepared calls it for every agency version it stores.
*/
fw_rc fw_agency_check_parent(fw_store *s, const char *id, const char *parent_id, fw_error *err);

/*
** Sets "agency_name" (and "agency_withdrawn": true when so marked) in object
** j for agency id, as every listing shows an agency beside its id; nothing is
** set for an agency with no stored record, nor if the store cannot be read
** (the row is still shown by id).
*/
void fw_agency_name_set(fw_store *s, json_t *j, const char *id);

#endif
