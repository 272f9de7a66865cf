package dev.tollgate.credits;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** What one reconciliation found: requests checked, adjustments booked, mismatches reported. */
@Entity
@Table(name = "reconciliation_run")
public class ReconciliationRun {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "started_at", nullable = false)
    private Instant startedAt;

    @Column(name = "period_from", nullable = false)
    private Instant periodFrom;

    @Column(name = "period_to", nullable = false)
    private Instant periodTo;

    private int checked;
    private int adjustments;
    private int mismatches;
    private String details;

    protected ReconciliationRun() {
    }

    ReconciliationRun(Instant startedAt, Instant from, Instant to, int checked, int adjustments, int mismatches,
                      String details) {
        this.startedAt = startedAt;
        this.periodFrom = from;
        this.periodTo = to;
        this.checked = checked;
        this.adjustments = adjustments;
        this.mismatches = mismatches;
        this.details = details;
    }

    public Long id() { return id; }
    public Instant startedAt() { return startedAt; }
    public Instant periodFrom() { return periodFrom; }
    public Instant periodTo() { return periodTo; }
    public int checked() { return checked; }
    public int adjustments() { return adjustments; }
    public int mismatches() { return mismatches; }
    public String details() { return details; }
}
