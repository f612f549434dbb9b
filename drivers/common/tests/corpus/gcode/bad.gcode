G1 (unclosed
G1 X1 X1
/G1
M999
G1 X--1
