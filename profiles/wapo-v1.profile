# The Washington Post "Fatal Force" database, original 14-column layout
# (2015-2016 files).  CRLF line ends; quoted fields only where needed.
profile wapo-v1 "The Washington Post, Fatal Force (v1)"
source "The Washington Post, Fatal Force database v1 (CC BY-NC-SA 4.0)"
provenance public_record
id       id                 prefix wapo-
date     date               format YYYY-MM-DD
agency   -                  const wapo-agency-unknown
city     city
state    state
name     name
age      age
sex      gender             map M=male F=female *=unknown
race     race               map W=white B=black A=asian N=american_indian O=other H=hispanic *=unknown
armed    armed              map gun=firearm knife=knife vehicle=vehicle "toy weapon"=replica unarmed=none undetermined=unknown *=other
threat   threat_level       map attack=death other= undetermined= *=
flee     flee               map "Not fleeing"= Car=vehicle Foot=foot Other=other *=
mental   signs_of_mental_illness map True=mental_health *=
force    manner_of_death    map shot=firearm_discharge "shot and Tasered"=firearm_discharge;ecd *=firearm_discharge
