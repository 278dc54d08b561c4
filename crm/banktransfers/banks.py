"""Bank and branch names from zengin-code: the 全銀協 list shipped inside the PyPI package, read from
disk (nothing downloaded at run time). Used to check the NPO's own account and to name the bank of
an imported statement."""

from __future__ import annotations

import zengin_code


def bank_name(code: str) -> str | None:
    """The bank's full Japanese name (みずほ銀行, 城南信用金庫), or None for an unknown code.

    zengin-code keeps the short name (みずほ, 城南); the kind of institution follows from the
    code's range in the 全銀協 numbering."""
    bank = zengin_code.Bank.all.get(code) if code else None
    if bank is None:
        return None
    number = int(code)
    if number == 9900:
        return "ゆうちょ銀行"
    if number < 1000:
        kind = "銀行"
    elif number < 2000:
        kind = "信用金庫"
    elif number < 2950:
        kind = "信用組合"
    elif number < 3000:
        kind = "労働金庫"
    else:
        return bank.name
    return bank.name if bank.name.endswith(kind) else f"{bank.name}{kind}"


def branch_name(bank_code: str, branch_code: str) -> str | None:
    """The branch's Japanese name (渋谷支店, 本店), or None when the bank has no such branch."""
    bank = zengin_code.Bank.all.get(bank_code) if bank_code else None
    branch = bank.branches.get(branch_code) if bank is not None and branch_code else None
    if branch is None:
        return None
    name = branch.name
    return name if name.endswith(("支店", "本店", "営業部", "出張所", "支所")) else f"{name}支店"
