"""The bridge to the district: post to the evaluation platform, roster import, CSV/XLSX tables, caseload report."""
