package dev.tollgate.credits;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A company's credit pool. The balance is only ever changed by {@link CreditLedger}'s conditional updates. */
@Entity
@Table(name = "credit_account")
public class CreditAccount {

    @Id
    @Column(name = "company_id")
    private String companyId;

    @Column(nullable = false)
    private long balance;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected CreditAccount() {
    }

    public String companyId() { return companyId; }
    public long balance() { return balance; }
    public Instant updatedAt() { return updatedAt; }
}
