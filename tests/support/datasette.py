"""The SQL Datasette 0.65 runs for a column facet and an array facet (datasette/facets.py),
so the tests and bench/browse_bench.py check the README's pages without Datasette."""

COLUMN = (
    "select {col} as value, count(*) as count from (select * from {table} {where}) "
    "where {col} is not null group by {col} order by count desc, value limit 31"
)
ARRAY = (
    "with inner as (select * from {table} {where}), deduped_array_items as (select distinct "
    "j.value, inner.* from json_each([inner].{col}) j join inner) select value as value, "
    "count(*) as count from deduped_array_items group by value order by count(*) desc, value "
    "limit 31"
)
