"""One module per statement chapter: builds the chapter's tables, charts and sentences.

Notebooks call these and narrate; they hold no logic of their own.
"""

#: Chapter slug -> title, in the order a statement presents them.
CHAPTERS = {
    "children_in_care": "Children in care",
}
