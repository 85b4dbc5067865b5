"""Use cases: what a therapist does, each in one transaction that asks the domain and then
saves through storage. The UI and the command line change data only through this package.

```
ui, cli ──> practice ──> domain (every rule, pure)
                    └──> storage (reads and writes, no rules)
```
"""
