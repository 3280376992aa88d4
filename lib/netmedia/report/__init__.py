"""Report: Excel writer, rectification lists, registry workbooks, charts, dashboard, Data Docs, history."""
