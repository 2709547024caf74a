"""The panel health page for the comms team: size, joiners, leavers, inactive, unreachable
and duplicates per month and per place, with plots, the export and an assurance section (issue
26 point 5)."""
