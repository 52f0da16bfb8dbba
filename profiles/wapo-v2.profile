# The Washington Post "Fatal Force" database, version 2 layout (2015 onward):
# one row per person shot and killed by an on-duty officer.  Every field is
# quoted; multi-valued fields are separated by ';'.  See docs/import.md.
profile wapo-v2 "The Washington Post, Fatal Force (v2)"
source "The Washington Post, Fatal Force database v2 (CC BY-NC-SA 4.0)"
provenance public_record
id       id                 prefix wapo-
date     date               format YYYY-MM-DD
agency   agency_ids         split ; prefix wapo-agency- default wapo-agency-unknown
city     city
county   county
state    state
lat      latitude
lon      longitude
name     name
age      age
sex      gender             map male=male female=female non-binary=other *=unknown
race     race               split ; map W=white B=black A=asian N=american_indian O=other H=hispanic *=unknown
armed    armed_with         split ; map gun=firearm knife=knife vehicle=vehicle replica=replica blunt_object=blunt_object unarmed=none undetermined=unknown unknown=unknown *=other
threat   threat_type        map shoot=death point=death attack=death threat=serious_bodily_injury move=serious_bodily_injury flee=none accident=none undetermined= *=
flee     flee_status        map not= car=vehicle foot=foot other=other *=
mental   was_mental_illness_related  map True=mental_health *=
force    -                  const firearm_discharge

# The agencies file (--agencies fatal-police-shootings-agencies.csv): one agency
# record a row, with the ids the incidents' agency_ids name.  The Post's
# local_other and state_other (campus, school, housing, park and tribal police,
# task forces, prosecutors' investigators, wildlife officers) fit no one
# agency_type: they become "other".  total_shootings is not imported: it is a
# count derived from the data, and disagrees with it for 26 agencies; counts
# come from the incidents themselves.
join agencies
id       id                 prefix wapo-agency-
name     name
type     type               map federal=federal state_police=state_police local_police=local_police sheriff=sheriff local_other=other state_other=other other=other *=unknown
state    state
ori      oricodes           split ;
