"""The ICB's geography as editable data: places, districts, neighbourhoods, postcode districts."""
