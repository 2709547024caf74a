"""The assurance dashboard for the Public Involvement and Engagement Advisory Committee and the
Board: figures computed from the records, each linking to the records behind it."""
