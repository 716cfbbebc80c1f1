"""Qt item models (Model/View) over service results."""
