"""The pdf format: LibreOffice prints our .docx (one conversion or a warm pool), made reproducible."""
