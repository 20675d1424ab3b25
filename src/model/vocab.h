/* vocab.h — more of the scenario vocabulary: spellings for the world's enums
 * that world.h does not name (precondition and effect kinds, triggers,
 * technical inject effects, credential forms, protocols, OS families), and the
 * table of known operating systems with their family. Indexed by enum value,
 * like the *_names tables in world.h; loader, docs and output share them. */
#ifndef SW_VOCAB_H
#define SW_VOCAB_H

#include "model/world.h"

#define SW_PRE__COUNT (SW_PRE_AFTER + 1)
#define SW_EFF__COUNT (SW_EFF_SPREAD + 1)
#define SW_TRIG__COUNT (SW_TRIG_OBJECTIVE + 1)
#define SW_TECH__COUNT (SW_TECH_POWER_LOSS + 1)

extern const char *const sw_pre_kind_names[SW_PRE__COUNT]; /* scenario keys: "on_target", ... */
extern const char *const sw_eff_kind_names[SW_EFF__COUNT]; /* "foothold", "credential", ... */
extern const char *const sw_trigger_kind_names[SW_TRIG__COUNT];
extern const char *const sw_tech_kind_names[SW_TECH__COUNT];
extern const char *const sw_cred_form_names[3]; /* "password", "hash", "ticket" */
extern const char *const sw_proto_names[2];     /* "tcp", "udp" */
extern const char *const sw_os_family_names[4]; /* "windows", "linux", "network", "other" */
extern const char *const sw_team_kind_names[2]; /* "player", "observer" */

typedef struct sw_os_info {
    const char *name; /* "windows-server-2019" */
    sw_os_family_t family;
} sw_os_info_t;

/* Known operating systems; terminated by an entry whose name is NULL. */
extern const sw_os_info_t sw_os_table[];
/* The entry for name, or NULL. */
const sw_os_info_t *sw_os_find(const char *name);

#endif
