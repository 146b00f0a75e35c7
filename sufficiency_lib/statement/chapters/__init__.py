"""One module per statement chapter: builds the chapter's tables, charts and sentences.

Notebooks call these and narrate; they hold no logic of their own.
"""

#: Chapter slug -> title, in the order a statement presents them.
CHAPTERS = {
    "summary": "Executive summary",
    "plan": "Our plan and progress",
    "children_in_care": "Children in care",
    "placements": "Placement mix and stability",
    "provision": "Provision, market and costs",
    "population": "Population composition",
    "care_leavers": "Care leavers",
    "forecast": "Forecast and sufficiency gap",
    "data_quality": "Data quality",
}
