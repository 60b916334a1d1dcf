-- One row: a fingerprint of every rule seed row (active or not), stamped on every mart row.
{%- set seeds = [
    'scoring_models', 'attribute_rules', 'behavior_rules', 'absence_rules', 'score_bands', 'routing_rules',
    'rule_groups', 'fit_grades', 'engagement_tiers'
] %}

with rule_rows as (
    {%- for seed in seeds %}
    {%- set columns = adapter.get_columns_in_relation(lead_scoring.rule_seed(seed)) if execute else [] %}
    select {{ dbt.concat([lead_scoring.quoted(seed ~ ':')] + lead_scoring.csv_text_parts(columns)) }} as row_text
    from {{ lead_scoring.rule_seed(seed) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select
    substring({{ dbt.hash(lead_scoring.sorted_text_agg('row_text', "'#'")) }}, 1, 16) as rules_version,
    count(*) as rule_row_count
from rule_rows
