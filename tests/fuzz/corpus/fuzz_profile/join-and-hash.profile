profile f "fuzz seed"
id     name,date   hash prefix f-
date   date
time   time        format "h:mm AM/PM" zone us-pacific
name   name        order last-first
armed  armed_with  split ; map gun=firearm knife=knife *=other
agency agency_ids  split ; prefix f-agency-
join agencies
id     id          prefix f-agency-
name   name
type   type        map federal=federal *=unknown
state  state
