-- Every rule seed is a parent, so a failed seed validation test stops this model and all
-- scoring after it (dbt build runs a node only after its parents' tests pass).
-- depends_on: {{ lead_scoring.all_rule_seeds() }}
select
    {{ lead_scoring.clean_text('model_id') }} as model_id,
    {{ lead_scoring.clean_text('group_id') }} as group_id,
    max_points,
    min_points,
    {{ lead_scoring.clean_text('description') }} as description,
    coalesce(is_active, false) as is_active
from {{ lead_scoring.rule_seed('rule_groups') }}
