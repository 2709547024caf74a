"""Open data (issue 24 point 5): published results, the engagement index and decisions as CSV
and JSON under the Open Government Licence, a data dictionary and an Atom feed."""
