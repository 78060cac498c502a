"""The view layer: what the templates show, as plain rows of text.

Views only format. The routes load through the store (:mod:`mlops_scorecard.store`) and
compute through the core; a view turns the results into rows, every figure rounded by
:mod:`mlops_scorecard.format` and every answer labelled from the framework's scale. One
module per page family: ``org`` (unit tree, heatmap, roll-ups), ``assessment`` (scores,
progress, answers), ``analysis`` (agreement, intervals, hotspots, roles), ``units``
(trends), ``compare``, ``plans`` and ``survey`` (the respondent's pages); ``common``
holds what several share.
"""
