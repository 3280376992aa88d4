"""Extract: find the files of a season and the table in each sheet of each workbook."""
