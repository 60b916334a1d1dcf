{#- Package mode: how a host dbt project points this package at its data and rules.
    Every setting is a var prefixed lead_scoring__ (docs/sources.md, README). -#}

{#- A tuning var by its contract name: lead_scoring__<name> when the host sets it, else the
    old unprefixed name (kept as an alias, CHANGELOG.md), else dbt_project.yml's default. -#}
{% macro setting(name) -%}
    {%- set unset = '__lead_scoring_unset__' -%}
    {%- set value = var('lead_scoring__' ~ name, unset) -%}
    {{- return(var(name) if value == unset else value) -}}
{%- endmacro %}

{#- True when this repository is installed as a package into another project. -#}
{% macro is_package_mode() -%}
    {{- return(project_name != 'lead_scoring') -}}
{%- endmacro %}

{#- (package, name) of the relation holding a rule seed's rows: the host's seed or model named
    by var lead_scoring__<seed_name> ("name", "ref('name')" or "ref('package', 'name')"; a bare
    name is looked up in the root project), else the package's own demo seed. -#}
{% macro rule_seed_target(seed_name) -%}
    {%- set given = var('lead_scoring__' ~ seed_name, none) -%}
    {%- if given is none or (given | string | trim) == '' -%}
        {{- return(['lead_scoring', seed_name]) -}}
    {%- endif -%}
    {%- set text = given | string | trim -%}
    {%- if text.startswith('ref(') and text.endswith(')') -%}
        {%- set names = [] -%}
        {%- for part in text[4:-1].split(',') -%}
            {%- do names.append(part | trim | replace('"', '') | replace("'", '') | trim) -%}
        {%- endfor -%}
        {{- return(names if names | length == 2 else [project_name, names[0]]) -}}
    {%- endif -%}
    {{- return([project_name, text]) -}}
{%- endmacro %}

{#- ref() of a rule seed (see rule_seed_target); two-argument, so it never resolves by accident.
    ref() here: var lead_scoring__<seed_name> picks the relation (host's or demo seed) at parse
    time; the calling stg_rules__ model records the edge, so the DAG shows it. -#}
{% macro rule_seed(seed_name) -%}
    {%- set target_node = lead_scoring.rule_seed_target(seed_name) -%}
    {{- return(ref(target_node[0], target_node[1])) -}}
{%- endmacro %}

{#- True when the package's own demo seed is the rule relation (no host override). A host that
    brings all six rule relations switches the demo seeds off in its dbt_project.yml
    (seeds: lead_scoring: +enabled: false). -#}
{% macro rule_seed_is_demo(seed_name) -%}
    {{- return(lead_scoring.rule_seed_target(seed_name) == ['lead_scoring', seed_name]) -}}
{%- endmacro %}

{#- The file a rule relation comes from, for validation messages (seeds/<name>.csv by default). -#}
{% macro rule_seed_path(seed_name) -%}
    {%- set target_node = lead_scoring.rule_seed_target(seed_name) -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() if node.resource_type in ('seed', 'model')
            and node.package_name == target_node[0] and node.name == target_node[1] -%}
            {{- return(node.original_file_path) -}}
        {%- endfor -%}
    {%- endif -%}
    {{- return('seeds/' ~ seed_name ~ '.csv') -}}
{%- endmacro %}

{#- Whether an optional raw table (contact_attributes, accounts, identities, conversions) is used:
    var lead_scoring__using_<table>, true by default. contacts and interactions are required. -#}
{% macro raw_table_enabled(table) -%}
    {%- if table in ('contacts', 'interactions') -%}
        {{- return(true) -}}
    {%- endif -%}
    {{- return(var('lead_scoring__using_' ~ table, true) | string | lower not in ('false', '0', 'no', 'off')) -}}
{%- endmacro %}

{#- The raw tables' load-watermark column: var lead_scoring__loaded_at_column (loaded_at). -#}
{% macro loaded_at_column() -%}
    {{- return(var('lead_scoring__loaded_at_column', 'loaded_at') | string | trim) -}}
{%- endmacro %}

{#- The unprefixed tuning vars (deprecated, CHANGELOG.md) and their defaults in dbt_project.yml. -#}
{% macro deprecated_var_defaults() -%}
    {{- return({'as_of': none, 'max_future_skew_hours': 24, 'max_rejected_share': 0.05, 'history_min_score_change': 1,
        'routing_overrides_owner': false, 'account_score_method': 'sum', 'crm_model_id': 'b2b_general',
        'outcome_window_days': none, 'points_to_double_odds': 10, 'full_checks': false}) -}}
{%- endmacro %}

{#- on-run-start: installed as a package, warn once per run for every deprecated var the host
    sets (a value other than the package's default), naming the new var. The old names keep
    working. The standalone project is left quiet: there the old names are its own defaults and
    what its scripts pass. Returns no SQL. -#}
{% macro warn_deprecated_vars() -%}
    {%- if execute and lead_scoring.is_package_mode() -%}
        {%- for name, default in lead_scoring.deprecated_var_defaults().items() -%}
            {%- if var(name, default) | string != default | string -%}
                {%- do exceptions.warn("lead_scoring: var '" ~ name ~ "' is deprecated, use 'lead_scoring__" ~ name
                    ~ "' (the old name still works; the new one wins when both are set)") -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
