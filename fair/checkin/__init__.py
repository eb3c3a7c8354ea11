"""On-site check-in for hybrid fairs: a QR code per registered candidate, scanned at the door."""
