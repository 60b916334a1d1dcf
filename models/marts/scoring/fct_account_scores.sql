-- Account-level scores per model from the scores of the account's contacts, aggregated by
-- var('account_score_method'): sum, max, or top3_avg (average of the 3 best contacts).
{%- set method = lead_scoring.setting('account_score_method') | string | lower %}
{%- if method not in ['sum', 'max', 'top3_avg'] %}
    {{ exceptions.raise_compiler_error("var('account_score_method') must be sum, max or top3_avg, got '" ~ method ~ "'") }}
{%- endif %}

with contacts as (
    select
        model_id,
        account_id,
        contact_id,
        score,
        engagement_score,
        is_sales_ready,
        row_number() over (partition by model_id, account_id order by score_rank) as rank_in_account
    from {{ ref('fct_lead_scores') }}
    where account_id is not null
),

accounts as (
    select
        model_id,
        account_id,
        {%- if method == 'sum' %}
        sum(score) as account_score,
        {%- elif method == 'max' %}
        max(score) as account_score,
        {%- else %}
        avg(case when rank_in_account <= 3 then score end) as account_score,
        {%- endif %}
        count(*) as contact_count,
        sum(case when engagement_score > 0 then 1 else 0 end) as engaged_contact_count,
        sum(case when is_sales_ready then 1 else 0 end) as sales_ready_contact_count,
        max(case when rank_in_account = 1 then contact_id end) as top_contact_id
    from contacts
    group by model_id, account_id
),

banded as (
    {{ lead_scoring.pick_band(
        'accounts', ['model_id', 'account_id'], 'account_score', ref('stg_rules__score_bands')
    ) }}
)

select
    accounts.model_id,
    accounts.account_id,
    cast(round(accounts.account_score, 6) as {{ lead_scoring.type_double() }}) as account_score,
    cast(accounts.contact_count as {{ dbt.type_int() }}) as contact_count,
    cast(accounts.engaged_contact_count as {{ dbt.type_int() }}) as engaged_contact_count,
    cast(accounts.sales_ready_contact_count as {{ dbt.type_int() }}) as sales_ready_contact_count,
    accounts.top_contact_id,
    banded.band,
    {{ lead_scoring.quoted(method) }} as score_method,
    {{ lead_scoring.as_of() }} as scored_at
from accounts
left join banded
    on
        accounts.model_id = banded.model_id
        and accounts.account_id = banded.account_id
