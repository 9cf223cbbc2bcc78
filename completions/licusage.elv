
use builtin;
use str;

set edit:completion:arg-completer[licusage] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'licusage'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'licusage'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]'
            cand --format 'Output format [default: table]'
            cand --color 'When to colour the table (NO_COLOR is honoured with auto)'
            cand -t 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --timeout 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --json 'Same as --format json'
            cand -q 'No progress, no warnings'
            cand --quiet 'No progress, no warnings'
            cand -v 'Log requests to stderr (secrets redacted)'
            cand --verbose 'Log requests to stderr (secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand show 'Read every configured source (or those named by --source) and render the records'
            cand holders 'List who holds the seats (4D sessions, ONLYOFFICE quota users, cPod assignments)'
            cand check 'Evaluate thresholds and expiry; monitoring-plugin output and exit codes'
            cand record 'Take a snapshot of all sources and append it to the history store (for cron)'
            cand history 'Usage over time per series: sparkline, trend, forecast of exhaustion'
            cand diff 'Compare two saved JSON outputs (`show --format json`): what changed, per series'
            cand sources 'List the configured sources and the supported kinds'
            cand completions 'Print a completion script: bash, zsh, fish, powershell, elvish'
            cand config '`config path` prints the config file path; `config check` validates it'
            cand 4d 'One-off read: 4D Server `License usage` collection (served by an exposed function, or exported)'
            cand veeva 'One-off read: Veeva Vault application licenses (GET /api/{version}/objects/licenses)'
            cand onlyoffice 'One-off read: ONLYOFFICE Docs license and user quota (command service, {"c":"license"})'
            cand leegality 'One-off read: Leegality license usage statistics (GET /api/v1/licenses/{id}/usage-statistics)'
            cand cpod 'One-off read: cPod software licenses and seat assignments (GET /api/v1/licenses)'
            cand flexlm 'One-off read: FlexNet Publisher (FlexLM) license servers: `lmutil lmstat -a` output, from a file or a command'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'licusage;show'= {
            cand -s 'A source name from the config, or a kind for every source of that kind (repeatable)'
            cand --source 'A source name from the config, or a kind for every source of that kind (repeatable)'
            cand --product 'Only records whose product matches this glob (repeatable)'
            cand --metric 'Only records whose metric matches this glob (repeatable)'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]'
            cand --format 'Output format [default: table]'
            cand --color 'When to colour the table (NO_COLOR is honoured with auto)'
            cand -t 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --timeout 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --json 'Same as --format json'
            cand -q 'No progress, no warnings'
            cand --quiet 'No progress, no warnings'
            cand -v 'Log requests to stderr (secrets redacted)'
            cand --verbose 'Log requests to stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'licusage;holders'= {
            cand -s 'A source name from the config, or a kind for every source of that kind (repeatable)'
            cand --source 'A source name from the config, or a kind for every source of that kind (repeatable)'
            cand --product 'Only records whose product matches this glob (repeatable)'
            cand --metric 'Only records whose metric matches this glob (repeatable)'
            cand --idle 'Only holders whose seat has not been used for DAYS or more (never used counts)'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]'
            cand --format 'Output format [default: table]'
            cand --color 'When to colour the table (NO_COLOR is honoured with auto)'
            cand -t 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --timeout 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --redact 'Replace holder identities by a stable short hash, dropping the details that identify a person or machine'
            cand --json 'Same as --format json'
            cand -q 'No progress, no warnings'
            cand --quiet 'No progress, no warnings'
            cand -v 'Log requests to stderr (secrets redacted)'
            cand --verbose 'Log requests to stderr (secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'licusage;check'= {
            cand -s 'A source name from the config, or a kind for every source of that kind (repeatable)'
            cand --source 'A source name from the config, or a kind for every source of that kind (repeatable)'
            cand --product 'Only records whose product matches this glob (repeatable)'
            cand --metric 'Only records whose metric matches this glob (repeatable)'
            cand --warn 'Warning at this utilization, in percent [default: 80, or the config''s]'
            cand --crit 'Critical at this utilization, in percent [default: 95, or the config''s]'
            cand -w 'Warning when utilization (in percent) is outside this Nagios range: 80, 10:, ~:80, 10:80, @10:80'
            cand --warning 'Warning when utilization (in percent) is outside this Nagios range: 80, 10:, ~:80, 10:80, @10:80'
            cand -c 'Critical when utilization (in percent) is outside this Nagios range'
            cand --critical 'Critical when utilization (in percent) is outside this Nagios range'
            cand --warn-free 'Warning when this many seats or fewer are left'
            cand --crit-free 'Critical when this many seats or fewer are left'
            cand --expiry-warn 'Warning when the license expires within this many days [default: 30]'
            cand --expiry-crit 'Critical when the license expires within this many days [default: 7]'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]'
            cand --format 'Output format [default: table]'
            cand --color 'When to colour the table (NO_COLOR is honoured with auto)'
            cand -t 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --timeout 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --skip-unknown 'Leave out perfdata series whose use is unknown instead of writing U (some graphers reject U)'
            cand --json 'Same as --format json'
            cand -q 'No progress, no warnings'
            cand --quiet 'No progress, no warnings'
            cand -v 'Log requests to stderr (secrets redacted)'
            cand --verbose 'Log requests to stderr (secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'licusage;record'= {
            cand -s 'A source name from the config, or a kind for every source of that kind (repeatable)'
            cand --source 'A source name from the config, or a kind for every source of that kind (repeatable)'
            cand --product 'Only records whose product matches this glob (repeatable)'
            cand --metric 'Only records whose metric matches this glob (repeatable)'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]'
            cand --format 'Output format [default: table]'
            cand --color 'When to colour the table (NO_COLOR is honoured with auto)'
            cand -t 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --timeout 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --json 'Same as --format json'
            cand -q 'No progress, no warnings'
            cand --quiet 'No progress, no warnings'
            cand -v 'Log requests to stderr (secrets redacted)'
            cand --verbose 'Log requests to stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'licusage;history'= {
            cand -s 'A source name or a kind, or a glob of them (repeatable)'
            cand --source 'A source name or a kind, or a glob of them (repeatable)'
            cand --product 'Only records whose product matches this glob (repeatable)'
            cand --metric 'Only records whose metric matches this glob (repeatable)'
            cand --since 'How far back, e.g. 30d, 12h, 52w'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]'
            cand --format 'Output format [default: table]'
            cand --color 'When to colour the table (NO_COLOR is honoured with auto)'
            cand -t 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --timeout 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --json 'Same as --format json'
            cand -q 'No progress, no warnings'
            cand --quiet 'No progress, no warnings'
            cand -v 'Log requests to stderr (secrets redacted)'
            cand --verbose 'Log requests to stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'licusage;diff'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]'
            cand --format 'Output format [default: table]'
            cand --color 'When to colour the table (NO_COLOR is honoured with auto)'
            cand -t 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --timeout 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --json 'Same as --format json'
            cand -q 'No progress, no warnings'
            cand --quiet 'No progress, no warnings'
            cand -v 'Log requests to stderr (secrets redacted)'
            cand --verbose 'Log requests to stderr (secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'licusage;sources'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]'
            cand --format 'Output format [default: table]'
            cand --color 'When to colour the table (NO_COLOR is honoured with auto)'
            cand -t 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --timeout 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --names 'Only the names: each configured source, then each kind, one per line (for completion scripts)'
            cand --json 'Same as --format json'
            cand -q 'No progress, no warnings'
            cand --quiet 'No progress, no warnings'
            cand -v 'Log requests to stderr (secrets redacted)'
            cand --verbose 'Log requests to stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'licusage;completions'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]'
            cand --format 'Output format [default: table]'
            cand --color 'When to colour the table (NO_COLOR is honoured with auto)'
            cand -t 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --timeout 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --json 'Same as --format json'
            cand -q 'No progress, no warnings'
            cand --quiet 'No progress, no warnings'
            cand -v 'Log requests to stderr (secrets redacted)'
            cand --verbose 'Log requests to stderr (secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'licusage;config'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]'
            cand --format 'Output format [default: table]'
            cand --color 'When to colour the table (NO_COLOR is honoured with auto)'
            cand -t 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --timeout 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --json 'Same as --format json'
            cand -q 'No progress, no warnings'
            cand --quiet 'No progress, no warnings'
            cand -v 'Log requests to stderr (secrets redacted)'
            cand --verbose 'Log requests to stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand path 'Print the config file path'
            cand check 'Validate the config file: exit 0 when valid, 2 with the reason when not'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'licusage;config;path'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]'
            cand --format 'Output format [default: table]'
            cand --color 'When to colour the table (NO_COLOR is honoured with auto)'
            cand -t 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --timeout 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --json 'Same as --format json'
            cand -q 'No progress, no warnings'
            cand --quiet 'No progress, no warnings'
            cand -v 'Log requests to stderr (secrets redacted)'
            cand --verbose 'Log requests to stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'licusage;config;check'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]'
            cand --format 'Output format [default: table]'
            cand --color 'When to colour the table (NO_COLOR is honoured with auto)'
            cand -t 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --timeout 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --json 'Same as --format json'
            cand -q 'No progress, no warnings'
            cand --quiet 'No progress, no warnings'
            cand -v 'Log requests to stderr (secrets redacted)'
            cand --verbose 'Log requests to stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'licusage;config;help'= {
            cand path 'Print the config file path'
            cand check 'Validate the config file: exit 0 when valid, 2 with the reason when not'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'licusage;config;help;path'= {
        }
        &'licusage;config;help;check'= {
        }
        &'licusage;config;help;help'= {
        }
        &'licusage;4d'= {
            cand --file 'Read a saved payload from this file instead of the API (- for stdin)'
            cand --url 'Base URL of the vendor API'
            cand --deadline 'How long this source''s whole read may take, retries included (default 3 × timeout)'
            cand --token-env 'Environment variable holding the API token (sent as Bearer)'
            cand --token-command 'Command whose stdout is the API token (sent as Bearer)'
            cand --username 'User name for Basic auth (with the password)'
            cand --login '`directory`: log in with POST /rest/$directory/login (username-4D, password-4D) instead of Basic auth'
            cand --password-env 'Environment variable holding the password for Basic auth'
            cand --password-command 'Command whose stdout is the password for Basic auth'
            cand --product 'Only records whose product matches this glob (repeatable)'
            cand --metric 'Only records whose metric matches this glob (repeatable)'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]'
            cand --format 'Output format [default: table]'
            cand --color 'When to colour the table (NO_COLOR is honoured with auto)'
            cand -t 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --timeout 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --allow-insecure-http 'Allow credentials over plain http:// to a non-loopback host'
            cand --json 'Same as --format json'
            cand -q 'No progress, no warnings'
            cand --quiet 'No progress, no warnings'
            cand -v 'Log requests to stderr (secrets redacted)'
            cand --verbose 'Log requests to stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'licusage;veeva'= {
            cand --file 'Read a saved payload from this file instead of the API (- for stdin)'
            cand --url 'Base URL of the vendor API'
            cand --deadline 'How long this source''s whole read may take, retries included (default 3 × timeout)'
            cand --api-version 'Vault API version, e.g. v25.3'
            cand --session-id-env 'Environment variable holding the Vault session id'
            cand --session-id-command 'Command whose stdout is the Vault session id'
            cand --username 'User name for a Vault login (with the password)'
            cand --password-env 'Environment variable holding the Vault password'
            cand --password-command 'Command whose stdout is the Vault password'
            cand --oauth-profile-id 'Vault OAuth 2.0 / OpenID Connect profile id, for SSO-only Vaults (with an access token)'
            cand --access-token-env 'Environment variable holding the identity provider''s access token for the OAuth profile'
            cand --access-token-command 'Command whose stdout is the identity provider''s access token for the OAuth profile'
            cand --login-url 'Vault''s login service for OAuth sessions (default https://login.veevavault.com)'
            cand --client-id 'X-VaultAPI-ClientID sent with every call, which Vault logs (default licusage)'
            cand --product 'Only records whose product matches this glob (repeatable)'
            cand --metric 'Only records whose metric matches this glob (repeatable)'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]'
            cand --format 'Output format [default: table]'
            cand --color 'When to colour the table (NO_COLOR is honoured with auto)'
            cand -t 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --timeout 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --allow-insecure-http 'Allow credentials over plain http:// to a non-loopback host'
            cand --json 'Same as --format json'
            cand -q 'No progress, no warnings'
            cand --quiet 'No progress, no warnings'
            cand -v 'Log requests to stderr (secrets redacted)'
            cand --verbose 'Log requests to stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'licusage;onlyoffice'= {
            cand --file 'Read a saved payload from this file instead of the API (- for stdin)'
            cand --url 'Base URL of the vendor API'
            cand --deadline 'How long this source''s whole read may take, retries included (default 3 × timeout)'
            cand --jwt-secret-env 'Environment variable holding the ONLYOFFICE JWT secret'
            cand --jwt-secret-command 'Command whose stdout is the ONLYOFFICE JWT secret'
            cand --jwt-header 'Header that carries the ONLYOFFICE JWT (default Authorization)'
            cand --info-url 'The server''s /info/info.json, for the connections in use (answered to allowed hosts only)'
            cand --info-file 'A saved /info/info.json, for the connections in use'
            cand --product 'Only records whose product matches this glob (repeatable)'
            cand --metric 'Only records whose metric matches this glob (repeatable)'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]'
            cand --format 'Output format [default: table]'
            cand --color 'When to colour the table (NO_COLOR is honoured with auto)'
            cand -t 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --timeout 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --allow-insecure-http 'Allow credentials over plain http:// to a non-loopback host'
            cand --json 'Same as --format json'
            cand -q 'No progress, no warnings'
            cand --quiet 'No progress, no warnings'
            cand -v 'Log requests to stderr (secrets redacted)'
            cand --verbose 'Log requests to stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'licusage;leegality'= {
            cand --file 'Read a saved payload from this file instead of the API (- for stdin)'
            cand --url 'Base URL of the vendor API'
            cand --deadline 'How long this source''s whole read may take, retries included (default 3 × timeout)'
            cand --license-id 'Leegality license id'
            cand --environment 'Leegality environment: production or sandbox'
            cand --token-env 'Environment variable holding the Leegality API token (sent as X-Auth-Token)'
            cand --token-command 'Command whose stdout is the Leegality API token (sent as X-Auth-Token)'
            cand --client-id 'SignStation client id, for a Bearer token from {url}/api/v1/auth/token'
            cand --client-secret-env 'Environment variable holding the SignStation client secret'
            cand --client-secret-command 'Command whose stdout is the SignStation client secret'
            cand --product 'Only records whose product matches this glob (repeatable)'
            cand --metric 'Only records whose metric matches this glob (repeatable)'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]'
            cand --format 'Output format [default: table]'
            cand --color 'When to colour the table (NO_COLOR is honoured with auto)'
            cand -t 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --timeout 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --allow-insecure-http 'Allow credentials over plain http:// to a non-loopback host'
            cand --json 'Same as --format json'
            cand -q 'No progress, no warnings'
            cand --quiet 'No progress, no warnings'
            cand -v 'Log requests to stderr (secrets redacted)'
            cand --verbose 'Log requests to stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'licusage;cpod'= {
            cand --file 'Read a saved payload from this file instead of the API (- for stdin)'
            cand --url 'Base URL of the vendor API'
            cand --deadline 'How long this source''s whole read may take, retries included (default 3 × timeout)'
            cand --token-env 'Environment variable holding the cPod API token'
            cand --token-command 'Command whose stdout is the cPod API token'
            cand --client-id 'CPod client id for the client-credentials flow'
            cand --client-secret-env 'Environment variable holding the cPod client secret'
            cand --client-secret-command 'Command whose stdout is the cPod client secret'
            cand --token-url 'Token endpoint of the client-credentials flow (default {url}/v1/oauth/token)'
            cand --scope 'Scope asked for in the client-credentials flow'
            cand --assignments-file 'Read the cPod assignments payload from this file (- for stdin)'
            cand --product 'Only records whose product matches this glob (repeatable)'
            cand --metric 'Only records whose metric matches this glob (repeatable)'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]'
            cand --format 'Output format [default: table]'
            cand --color 'When to colour the table (NO_COLOR is honoured with auto)'
            cand -t 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --timeout 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --allow-insecure-http 'Allow credentials over plain http:// to a non-loopback host'
            cand --json 'Same as --format json'
            cand -q 'No progress, no warnings'
            cand --quiet 'No progress, no warnings'
            cand -v 'Log requests to stderr (secrets redacted)'
            cand --verbose 'Log requests to stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'licusage;flexlm'= {
            cand --file 'Read a saved payload from this file instead of the API (- for stdin)'
            cand --url 'Base URL of the vendor API'
            cand --deadline 'How long this source''s whole read may take, retries included (default 3 × timeout)'
            cand --command 'Run this program for the `lmstat -a` output (no shell), e.g. ["lmutil", "lmstat", "-a", "-c", "27000@lic1"] (one string, split into words like a shell''s, no shell run)'
            cand --expiry-file 'Read the `lmstat -i` output (expiry dates) from this file (- for stdin)'
            cand --expiry-command 'Run this program for the `lmstat -i` output (expiry dates) (one string, split into words like a shell''s, no shell run)'
            cand --product 'Only records whose product matches this glob (repeatable)'
            cand --metric 'Only records whose metric matches this glob (repeatable)'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]'
            cand --format 'Output format [default: table]'
            cand --color 'When to colour the table (NO_COLOR is honoured with auto)'
            cand -t 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --timeout 'Timeout per request, e.g. 30s, 2m [default: 30s]'
            cand --allow-insecure-http 'Allow credentials over plain http:// to a non-loopback host'
            cand --json 'Same as --format json'
            cand -q 'No progress, no warnings'
            cand --quiet 'No progress, no warnings'
            cand -v 'Log requests to stderr (secrets redacted)'
            cand --verbose 'Log requests to stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'licusage;help'= {
            cand show 'Read every configured source (or those named by --source) and render the records'
            cand holders 'List who holds the seats (4D sessions, ONLYOFFICE quota users, cPod assignments)'
            cand check 'Evaluate thresholds and expiry; monitoring-plugin output and exit codes'
            cand record 'Take a snapshot of all sources and append it to the history store (for cron)'
            cand history 'Usage over time per series: sparkline, trend, forecast of exhaustion'
            cand diff 'Compare two saved JSON outputs (`show --format json`): what changed, per series'
            cand sources 'List the configured sources and the supported kinds'
            cand completions 'Print a completion script: bash, zsh, fish, powershell, elvish'
            cand config '`config path` prints the config file path; `config check` validates it'
            cand 4d 'One-off read: 4D Server `License usage` collection (served by an exposed function, or exported)'
            cand veeva 'One-off read: Veeva Vault application licenses (GET /api/{version}/objects/licenses)'
            cand onlyoffice 'One-off read: ONLYOFFICE Docs license and user quota (command service, {"c":"license"})'
            cand leegality 'One-off read: Leegality license usage statistics (GET /api/v1/licenses/{id}/usage-statistics)'
            cand cpod 'One-off read: cPod software licenses and seat assignments (GET /api/v1/licenses)'
            cand flexlm 'One-off read: FlexNet Publisher (FlexLM) license servers: `lmutil lmstat -a` output, from a file or a command'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'licusage;help;show'= {
        }
        &'licusage;help;holders'= {
        }
        &'licusage;help;check'= {
        }
        &'licusage;help;record'= {
        }
        &'licusage;help;history'= {
        }
        &'licusage;help;diff'= {
        }
        &'licusage;help;sources'= {
        }
        &'licusage;help;completions'= {
        }
        &'licusage;help;config'= {
            cand path 'Print the config file path'
            cand check 'Validate the config file: exit 0 when valid, 2 with the reason when not'
        }
        &'licusage;help;config;path'= {
        }
        &'licusage;help;config;check'= {
        }
        &'licusage;help;4d'= {
        }
        &'licusage;help;veeva'= {
        }
        &'licusage;help;onlyoffice'= {
        }
        &'licusage;help;leegality'= {
        }
        &'licusage;help;cpod'= {
        }
        &'licusage;help;flexlm'= {
        }
        &'licusage;help;help'= {
        }
    ]
    $completions[$command]
}
