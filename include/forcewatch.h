/*
** forcewatch: the public interface of the library, for the front-ends (the
** command line, the server) and for programs that embed it.  Each subsystem
** has its own header; this one gathers them and names the version.
**
** The library never prints and never exits: every fallible call returns an
** fw_rc and, given an fw_error, a message saying what failed.
*/
#ifndef FORCEWATCH_H
#define FORCEWATCH_H

#define FORCEWATCH_VERSION "0.1.0"

#include "base/error.h"     /* result codes, fw_error */
#include "base/buf.h"       /* bounded growable buffers */
#include "base/timeutil.h"  /* dates and times of the incident format */
#include "record/canon.h"     /* canonical JSON, SHA-256 */
#include "record/schema.h"    /* the incident format as tables */
#include "record/model.h"     /* documents: parse, validate, typed view */
#include "store/store.h"     /* the append-only, logged store */
#include "data/export.h"    /* open-data export, stamped with a checkpoint */

#endif
