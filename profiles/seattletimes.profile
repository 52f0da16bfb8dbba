# The Seattle Times, deadly force by police in Washington state, 2005-2014
# (github seattletimes/police-killings, data/deadly-force-data.csv): one row per
# person killed.  The file has no id column: a row's id is a hash of its name and
# date, so re-importing a corrected file updates the same records.  Names are
# "Last, First" with trailing spaces; dates MM/DD/YYYY; times h:mm AM/PM, local
# (Pacific) time.  The file names no agency and no kind of force.
profile seattletimes "The Seattle Times, deadly force in Washington state (2005-2014)"
source "The Seattle Times, police-killings data (as published by The Seattle Times)"
provenance public_record
id       name,date          hash prefix seattletimes-
date     date               format MM/DD/YYYY
time     time               format "h:mm AM/PM" zone us-pacific
agency   -                  const seattletimes-agency-unknown
county   county
state    -                  const WA
name     name               order last-first
age      age
sex      gender             map Male=male Female=female *=unknown
race     race               map White=white Black=black Hispanic=hispanic "Asian/Pacific Islander"=asian "Native American"=american_indian Multiple=other *=unknown
armed    weapon             map Firearm=firearm "Knife/blade"=knife "No weapon"=none Vehicle=vehicle "Weapon - other"=other "Fake gun"=replica *=unknown
